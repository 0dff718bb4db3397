package io.amorsize.examples.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Amorsize;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.flink.AmorsizeFlink;
import io.amorsize.flink.FlinkTuneOptions;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prewarm that hits, end to end: {@code bin/amorsize prewarm} (the packaged CLI, a real process)
 * stores a files-input profile in a real Redis; a later Flink {@code tune(env, Path, fn)} over those
 * files is a Redis hit and never runs the function.
 */
@Timeout(180)
class FlinkPrewarmIT {

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

    /** Counts its calls across the test JVM: a hit must leave it at 0. */
    static final class Parse implements MapFunction<String, Integer> {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public Integer map(String line) {
            CALLS.incrementAndGet();
            return line.length();
        }
    }

    @Test
    void cliPrewarmOfTheFilesIsHitByTuneOverThePath() throws Exception {
        Path input = tmp.resolve("in");
        Files.createDirectories(input);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("2026-12-01T20:00:00Z GET /item/").append(i).append(" 200\n");
        }
        Files.writeString(input.resolve("part-0.log"), text);
        long bytes = Files.size(input.resolve("part-0.log"));
        String prefix = "flinkprewarm-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        String fingerprint = FunctionFingerprint.of("logs.parse", "1");

        try (RedisServerProcess redis = RedisServerProcess.start()) {
            // The cluster as the Flink adapter describes a local environment of parallelism 2: one task
            // manager with 2 slots sharing this JVM's heap.
            String json = "[{\"function\": \"" + fingerprint + "\", \"input\": \"files\", \"knownInputBytes\": " + bytes
                    + ", \"records\": 20000, \"partitions\": 2, \"nanosPerRecord\": 200000, \"cv\": 0.1,"
                    + " \"cluster\": {\"engine\": \"flink\", \"engineVersion\": \""
                    + EnvironmentInformation.getVersion()
                    + "\", \"taskManagers\": 1, \"slotsPerTaskManager\": 2, \"taskHeapBytes\": "
                    + Runtime.getRuntime().maxMemory()
                    // the executors' CPU class, as the adapter keys this machine (elastic clusters, issue 13)
                    + ", \"cpuClass\": \"" + io.amorsize.model.ClusterShape.localCpuClass() + "\"}}]";
            Path file = Files.writeString(tmp.resolve("workloads.json"), json);
            String out = launch(redis.url(), prefix, "prewarm", file.toString());
            assertTrue(out.contains("Prewarmed 1 workload"), out);
            String keys = redis.cli("--scan", "--pattern", prefix + "*").trim();
            assertTrue(keys.matches("\\Q" + prefix + "\\Ev1:" + fingerprint + ":B\\d+:flink-.*"), keys);

            Configuration conf = new Configuration();
            conf.setString("amorsize.redis.url", redis.url());
            conf.setString("amorsize.cache.prefix", prefix);
            // Generous Redis timeouts: on a loaded machine a 1 s deadline makes the look-up a miss.
            for (String t : List.of("connect-timeout", "socket-timeout", "pool-max-wait")) {
                conf.setString("amorsize.redis." + t, "5s");
            }
            conf.setString("amorsize.redis.deadline", "10s");
            conf.setString("amorsize.cache.dir", tmp.resolve("cache").toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
            Parse.CALLS.set(0);
            Recommendation rec = AmorsizeFlink.tune(
                    env,
                    new org.apache.flink.core.fs.Path(input.toUri()),
                    new Parse(),
                    FlinkTuneOptions.builder().function("logs.parse", "1").build());

            assertEquals(Source.CACHE_REDIS, rec.source(), rec.explain());
            assertEquals(0, Parse.CALLS.get(), "a hit measures nothing");
            // 20,000 records x 200 us on 2 slots: the prewarmed cost drives the decision (> 1 subtask).
            assertEquals(2, rec.parallelism(), rec.explain());
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
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/amorsize finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
