package io.amorsize.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Amorsize;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.spark.AmorsizeSpark;
import io.amorsize.spark.SparkTuneOptions;
import io.amorsize.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prewarm that hits, end to end with Spark: {@code bin/amorsize prewarm} (the packaged CLI, a real
 * process) stores a files-input profile in a real Redis; a later {@code recommend} over
 * {@code sc.textFile} of those files on {@code local[2]} is a Redis hit that runs no Spark job at all
 * (no calibration, no sample, no measurement).
 */
@Timeout(180)
class SparkPrewarmIT {

    static final Path LAUNCHER =
            Path.of("").toAbsolutePath().resolve("../../bin/amorsize").normalize();
    /** Built by the full reactor (examples/cli comes before this module); not a dependency, so that
     *  {@code -pl this -am package exec:exec} does not also exec the CLI. */
    static final Path CLI_JAR =
            LAUNCHER.resolve("../../examples/cli/target/amorsize-cli.jar").normalize();

    @TempDir
    Path tmp;

    @AfterEach
    void stopUsingRedis() {
        Amorsize.disableDistributedCache();
    }

    static final class Jobs extends SparkListener {
        final AtomicInteger started = new AtomicInteger();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            started.incrementAndGet();
        }
    }

    @Test
    void cliPrewarmOfTheFilesIsHitByATextFileLookUpWithNoJob() throws Exception {
        Path input = tmp.resolve("logs");
        Files.createDirectories(input);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("2026-12-01T20:00:00Z GET /item/").append(i).append(" 200\n");
        }
        Files.writeString(input.resolve("part-0.log"), text);
        long bytes = Files.size(input.resolve("part-0.log"));
        String prefix = "sparkprewarm-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        String fingerprint = FunctionFingerprint.of("logs.parse", "1");

        try (RedisServerProcess redis = RedisServerProcess.start()) {
            // local[2] as the Spark adapter describes it: one executor (the driver) of 2 cores sharing its heap.
            String json = "[{\"function\": \"" + fingerprint + "\", \"input\": \"files\", \"knownInputBytes\": " + bytes
                    + ", \"records\": 20000, \"partitions\": 2, \"nanosPerRecord\": 200000, \"cv\": 0.1,"
                    + " \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4.1.1\", \"executors\": 1,"
                    + " \"coresPerExecutor\": 2, \"executorMemoryBytes\": "
                    + Runtime.getRuntime().maxMemory()
                    // the executors' CPU class, as the adapter keys this machine (elastic clusters, issue 13)
                    + ", \"cpuClass\": \"" + io.amorsize.model.ClusterShape.localCpuClass() + "\"}}]";
            Path file = Files.writeString(tmp.resolve("workloads.json"), json);
            String out = launch(redis.url(), prefix, "prewarm", file.toString());
            assertTrue(out.contains("Prewarmed 1 workload"), out);

            SparkConf conf = new SparkConf()
                    .setAppName("prewarm")
                    .setMaster("local[2]")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.amorsize.redis.url", redis.url())
                    .set("spark.amorsize.cache.prefix", prefix)
                    // Generous Redis timeouts: on a loaded machine a 1 s deadline makes the look-up a miss.
                    .set("spark.amorsize.redis.connect-timeout", "5s")
                    .set("spark.amorsize.redis.socket-timeout", "5s")
                    .set("spark.amorsize.redis.pool-max-wait", "5s")
                    .set("spark.amorsize.redis.deadline", "10s")
                    .set("spark.amorsize.cache.dir", tmp.resolve("cache").toString());
            try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
                Jobs jobs = new Jobs();
                jsc.sc().addSparkListener(jobs);
                JavaRDD<String> lines = jsc.textFile(input.toString(), 2);
                Recommendation rec = AmorsizeSpark.recommend(
                        lines,
                        String::length,
                        SparkTuneOptions.builder().function("logs.parse", "1").build());
                jsc.sc().listenerBus().waitUntilEmpty(30_000);

                assertEquals(
                        Source.CACHE_REDIS,
                        rec.source(),
                        () -> rec.explain() + "\nprewarmed: " + out + "\nin Redis now: "
                                + redis.cli("--scan", "--pattern", prefix + "*"));
                assertEquals(0, jobs.started.get(), "a prewarmed hit runs no Spark job");
                // 20,000 records x 200 us on 2 slots: the prewarmed cost drives the decision.
                assertEquals(2, rec.partitions(), rec.explain());
            }
        }
    }

    static String launch(String redisUrl, String prefix, String... args) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isRegularFile(CLI_JAR),
                "bin/amorsize needs " + CLI_JAR + ": run the full reactor (mvn -B verify) or package examples/cli");
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("AMORSIZE_CLI_JAR");
        pb.environment().put("AMORSIZE_REDIS_URL", redisUrl);
        pb.environment().put("AMORSIZE_CACHE_PREFIX", prefix);
        Process p = pb.start();
        p.getOutputStream().close();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/amorsize finished");
        assertEquals(0, p.exitValue(), o);
        return o;
    }
}
