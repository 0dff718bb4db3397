package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.model.ClusterShape;
import io.amorsize.testing.RedisServerProcess;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Executors as separate JVMs ({@code local-cluster[2,1,1024]}), with a spawned Redis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalClusterIT {

    private JavaSparkContext jsc;
    private RedisServerProcess redis;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void start() throws Exception {
        redis = RedisServerProcess.start();
        jsc = SparkTestSupport.localCluster(
                "LocalClusterIT",
                Map.of(
                        "spark.amorsize.redis.url",
                        redis.url(),
                        "spark.amorsize.cache.dir",
                        Files.createTempDirectory("amorsize-lc").toString(),
                        "spark.amorsize.cache.prefix",
                        "lc-" + System.nanoTime() + ":",
                        "spark.amorsize.measure.budget",
                        "600ms"));
    }

    @AfterAll
    void stop() {
        try {
            if (jsc != null) {
                jsc.stop();
            }
        } finally {
            io.amorsize.cache.SharedStores.closeApplication();
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void measuresInExecutorJvmsAndOnlyTheDriverTalksToRedis() throws Exception {
        long driverPid = ProcessHandle.current().pid();
        // this test is about where measuring runs and who talks to Redis: the overhead is pinned to the
        // default, so that a per-task overhead inflated by a crowded machine does not turn the decision
        TaskOverheads.remember(SparkClusterShape.of(jsc.sc(), 0).fingerprint(), new TaskOverheads.Known(5e6, -1));
        Set<String> clients = ConcurrentHashMap.newKeySet();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(
                () -> {
                    while (polling.get()) {
                        for (String line : redis.cli("CLIENT", "LIST").split("\n")) {
                            if (!line.isBlank() && !line.contains("cmd=client|list")) { // not the probe itself
                                String name = field(line, "name");
                                // a connection not named yet (between connect and CLIENT SETNAME): who owns it?
                                clients.add(
                                        name.isEmpty() ? "pid " + ownerPid(field(line, "addr")) + " " + line : name);
                            }
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "client-list-poller");
        poller.start();
        Recommendation rec;
        try {
            JavaRDD<Integer> rdd =
                    jsc.parallelize(IntStream.range(0, 3000).boxed().collect(Collectors.toList()), 1);
            Function<Integer, Integer> fn = x -> {
                Functions.spin(300_000);
                return x;
            };
            rec = AmorsizeSpark.recommend(rdd, fn);
            assertEquals(Source.COMPUTED, rec.source(), rec.explain());
            assertEquals(3000, AmorsizeSpark.apply(rdd, rec).map(fn).count());
            assertTrue(AmorsizeSpark.recommend(rdd, fn).cacheHit());
        } finally {
            polling.set(false);
            poller.join(10_000);
        }
        assertTrue(rec.partitions() >= 2, rec.explain());
        Matcher m = Pattern.compile("task on executor \\S+ \\(pid (\\d+)\\)").matcher(rec.explain());
        assertTrue(m.find(), rec.explain());
        assertNotEquals(driverPid, Long.parseLong(m.group(1)), "the function is timed in an executor JVM");
        assertTrue(clients.contains("amorsize-" + driverPid), "the driver's connection was seen: " + clients);
        for (String c : clients) {
            assertTrue(
                    c.equals("amorsize-" + driverPid) || c.startsWith("pid " + driverPid + " "),
                    "only the driver (pid " + driverPid + ") may connect to Redis, seen: " + clients);
        }
    }

    /** The pid of the process that owns the client side of a connection to Redis ("?" if gone). */
    private static String ownerPid(String addr) {
        String port = addr.substring(addr.lastIndexOf(':') + 1);
        try {
            Process p = new ProcessBuilder("ss", "-tnpH", "sport = :" + port)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("pid=(\\d+)").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (Exception e) {
            return "? (" + e + ")";
        }
    }

    private static String field(String clientListLine, String name) {
        for (String kv : clientListLine.trim().split(" ")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        return "";
    }

    @Test
    void aMissIsOneJobAndTheOverheadComesFromItsTasks() {
        ClusterShape shape = SparkClusterShape.of(jsc.sc(), 0);
        assertEquals(2, shape.slots());
        assertEquals(512L * 1024 * 1024, shape.memoryPerSlotBytes(), "1024 MiB worker, one core per executor");
        // the executors' first tasks (one-off costs of a fresh JVM) are not the per-task overhead; the
        // listener (added at application start by the plugin, here by hand) sees them pass
        AmorsizeListener.of(jsc.sc());
        jsc.parallelize(List.of(1, 2, 3, 4), 4).count();
        SparkTestSupport.drain(jsc);
        SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();
        jsc.sc().addSparkListener(counter);
        try {
            AmorsizeSpark.forgetCalibration();
            JavaRDD<Integer> rdd =
                    jsc.parallelize(IntStream.range(0, 2000).boxed().collect(Collectors.toList()), 2);
            Recommendation rec = AmorsizeSpark.recommend(
                    rdd,
                    Functions.cpu(100),
                    io.amorsize.spark.SparkTuneOptions.builder()
                            .function("lc-one-job", "1")
                            .build());
            SparkTestSupport.drain(jsc);
            assertEquals(Source.COMPUTED, rec.source(), rec.explain());
            assertEquals(1, counter.jobs.get(), "a miss on local-cluster is one job: " + counter.jobsByPhase);
            assertTrue(rec.explain().contains("from the sampling job's 2 tasks"), rec.explain());
            TaskOverheads.Known k = TaskOverheads.known(shape.fingerprint());
            assertTrue(k != null && k.overheadNanos() >= 0 && k.overheadNanos() < 1e9, String.valueOf(k));
            assertTrue(k.executorProcessors() >= 1, "the executors reported their processors: " + k);
        } finally {
            AmorsizeSpark.forgetCalibration(); // what a loaded machine showed must not steer the other tests
            jsc.sc().removeSparkListener(counter);
        }
    }

    @Test
    void samplingRunsInExecutorJvms() {
        JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, 4000).boxed().collect(Collectors.toList()), 8)
                .map(x -> x * 2);
        RddSampler.Result r =
                RddSampler.sample(rdd.rdd(), KnownSizes.of(rdd.rdd()), 4, 400, 1_000_000_000L, new Random(7));
        assertEquals(4000, r.workload().records());
        List<Long> pids = jsc.parallelize(List.of(1, 2, 3, 4), 4)
                .map(x -> ProcessHandle.current().pid())
                .collect();
        pids.forEach(pid -> assertNotEquals(ProcessHandle.current().pid(), pid));
    }
}
