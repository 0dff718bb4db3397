package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet file written by the test and read back: the cache key comes from the file scan's sizes
 * (no job), so driver 2 (another JVM on the same cache) gets a hit with no job at all.
 */
@Timeout(value = 480, unit = TimeUnit.SECONDS)
class DatasetParquetIT {

    @Test
    void aSecondDriverReadingTheSameParquetFileHitsWithNoJob(@TempDir Path dir) throws Exception {
        String parquet = dir.resolve("numbers.parquet").toString();
        SparkSession writer = DatasetIT.session("DatasetParquetIT-writer", Map.of());
        try {
            writer.range(0, 3000, 1, 1).write().parquet(parquet);
        } finally {
            writer.stop();
        }
        String cache = dir.resolve("cache").toString();
        String prefix = "ds-parquet-" + System.nanoTime() + ":";

        Map<String, String> first = fields(child(cache, prefix, parquet)); // same heap as driver 2: same memory bucket
        assertEquals("COMPUTED", first.get("source"), first.toString());
        assertEquals("parquet", first.get("plan"), "the key's input comes from the file scan");
        assertEquals(
                1,
                Integer.parseInt(first.get("amorsize")),
                "driver 1's miss is one job (sample and measure): " + first);
        assertEquals("3000", first.get("count"));

        Map<String, String> second = fields(child(cache, prefix, parquet));
        assertEquals("CACHE_FILE", second.get("source"), second.toString());
        assertEquals("0", second.get("jobs"), "driver 2: a hit with no job at all (no sample, measure, calibrate)");
        assertEquals(first.get("partitions"), second.get("partitions"));
        assertEquals("3000", second.get("count"));
        assertNotEquals(first.get("pid"), second.get("pid"));
    }

    private static String child(String cache, String prefix, String parquet) throws Exception {
        List<String> cmd = SparkTestSupport.childJava(DatasetChildDriver.class.getName());
        cmd.addAll(List.of(cache, prefix, parquet));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Path log = Files.createTempFile("dataset-driver", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(200, TimeUnit.SECONDS)) {
                throw new AssertionError("driver 2 did not finish in 200 s:\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "driver 2 failed:\n" + out);
            return out.lines()
                    .filter(l -> l.startsWith("RESULT "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line:\n" + out));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        for (String kv : line.substring("RESULT ".length()).split(" ")) {
            String[] parts = kv.split("=", 2);
            m.put(parts[0], parts[1]);
        }
        return m;
    }
}
