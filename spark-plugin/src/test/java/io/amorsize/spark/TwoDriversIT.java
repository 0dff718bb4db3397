package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two driver JVMs in sequence against one Redis: the seed's "machine 1 / machine 2". */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwoDriversIT {

    /** Runs {@link ChildDriver}; returns its RESULT fields. */
    static Map<String, String> runDriver(Path cacheDir, String prefix, String redisUrl, String... extra)
            throws Exception {
        return runDriver(ChildDriver.class.getName(), cacheDir, prefix, redisUrl, extra);
    }

    /** Runs {@code mainClass} as a child driver; returns its RESULT fields. */
    static Map<String, String> runDriver(
            String mainClass, Path cacheDir, String prefix, String redisUrl, String... extra) throws Exception {
        List<String> cmd = SparkTestSupport.childJava(mainClass);
        cmd.addAll(List.of(cacheDir.toString(), prefix, redisUrl));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Path log = Files.createTempFile("child-driver", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(100, TimeUnit.SECONDS)) {
                throw new AssertionError("child driver did not finish in 100 s:\n" + tail(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "child driver failed:\n" + tail(log));
            String line =
                    out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
            if (line == null) {
                throw new AssertionError("no RESULT line:\n" + tail(log));
            }
            Map<String, String> fields = new HashMap<>();
            for (String kv : line.substring(7).split(" ")) {
                String[] parts = kv.split("=", 2);
                fields.put(parts[0], parts[1]);
            }
            fields.put("log", out);
            System.err.println("child driver: " + line);
            return fields;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /**
     * Machine 1 measures; machine 2 (another JVM, same Redis, same fallback directory) reuses the
     * profile from Redis with no job at all; then Redis is killed and machine 3 gets the profile
     * from the local file, and its job completes.
     */
    @Test
    void secondDriverReusesTheMeasurementAndAThirdSurvivesRedisDying(@TempDir Path dir) throws Exception {
        String prefix = "two-drivers-" + System.nanoTime() + ":";
        Map<String, String> first;
        String url;
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            url = redis.url();
            first = runDriver(dir, prefix, url);
            assertEquals("COMPUTED", first.get("source"), first.get("log"));
            assertEquals("1", first.get("sample"));
            assertEquals("0", first.get("measure"), "the function is timed inside the sampling job");
            assertEquals("1", first.get("jobs"), "a miss with nothing known is one job");
            assertEquals("2000", first.get("count"));

            Map<String, String> second = runDriver(dir, prefix, url);
            assertEquals("CACHE_REDIS", second.get("source"), second.get("log"));
            assertEquals("0", second.get("sample"), "no sampling job on a hit");
            assertEquals("0", second.get("measure"));
            assertEquals("0", second.get("calibrate"), "the task overhead comes with the cached entry");
            assertEquals(first.get("partitions"), second.get("partitions"));
            assertEquals("2000", second.get("count"));
            assertNotEquals(first.get("pid"), second.get("pid"));
            redis.kill9();
        }
        Map<String, String> third = runDriver(dir, prefix, url);
        assertEquals("CACHE_FILE", third.get("source"), third.get("log"));
        assertEquals("0", third.get("sample"));
        assertEquals(first.get("partitions"), third.get("partitions"));
        assertEquals("2000", third.get("count"), "the job completes with Redis down");
    }

    /**
     * Driver 1 measures the cluster's per-task overhead (from its sampling job's tasks) and stores it
     * in Redis under the cluster's key; driver 2, another JVM with a function never seen (a miss),
     * takes the overhead from Redis: its miss is its one sampling job, and nothing is calibrated.
     */
    @Test
    void anotherDriverTakesTheClusterOverheadFromRedis(@TempDir Path dir) throws Exception {
        String prefix = "cluster-overhead-" + System.nanoTime() + ":";
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Map<String, String> first = runDriver(dir.resolve("a"), prefix, redis.url(), "300", "warm");
            assertEquals("COMPUTED", first.get("source"), first.get("log"));
            assertEquals("false", first.get("overheadFromStore"), first.get("log"));
            assertEquals("1", first.get("jobs"));
            assertTrue(
                    redis.cli("KEYS", prefix + "*amorsize-cluster*").contains("task-overhead"),
                    "the cluster's overhead is stored under its own key");

            Map<String, String> second = runDriver(dir.resolve("b"), prefix, redis.url(), "200", "cold");
            assertEquals("COMPUTED", second.get("source"), "another function: a miss; " + second.get("log"));
            assertEquals("true", second.get("overheadFromStore"), second.get("log"));
            assertEquals("1", second.get("jobs"), "the miss's one job and no other");
            assertEquals("0", second.get("calibrate"));
            assertEquals("0", second.get("measure"));
        }
    }
}
