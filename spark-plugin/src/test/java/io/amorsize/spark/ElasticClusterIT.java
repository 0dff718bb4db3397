package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elastic clusters: the profile is keyed by the executors' CPU class and the memory per slot, not
 * by the slot count. Driver 1 on {@code local[2]} (1100 MiB heap: 550 MiB per slot) measures;
 * driver 2 on {@code local[4]} with the same CPU class and 2200 MiB (550 MiB per slot) is a hit
 * whose decision is re-derived for 4 slots; driver 3 on {@code local[4]} with 1100 MiB (275 MiB
 * per slot, another memory bucket) misses.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ElasticClusterIT {

    @Test
    void aProfileMeasuredOnTwoSlotsIsAHitOnFourWithTheSameCpuClassButNotWithAnotherMemoryBucket(@TempDir Path dir)
            throws Exception {
        String cache = dir.resolve("cache").toString();
        String prefix = "elastic-" + System.nanoTime() + ":";
        Map<String, String> first = run("local[2]", "1100m", cache, prefix);
        assertEquals("COMPUTED", first.get("source"), first.toString());
        assertTrue(first.get("cluster").contains("2_slots"), first.toString());

        Map<String, String> second = run("local[4]", "2200m", cache, prefix);
        assertEquals(first.get("key"), second.get("key"), "same CPU class and memory per slot: one cache key");
        assertEquals("CACHE_FILE", second.get("source"), second.toString());
        assertEquals("0", second.get("amorsize"), "a hit: no sample, measure or calibrate job");
        assertTrue(second.get("cluster").contains("4_slots"), "re-derived for the live 4 slots: " + second);

        Map<String, String> third = run("local[4]", "1100m", cache, prefix);
        assertNotEquals(first.get("key"), third.get("key"), "half the memory per slot: another bucket");
        assertEquals("COMPUTED", third.get("source"), "another memory bucket misses: " + third);
    }

    private static Map<String, String> run(String master, String heap, String cache, String prefix) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), ElasticDriver.class.getName(), master, cache, prefix));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Path log = Files.createTempFile("elastic-driver", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                throw new AssertionError(master + " driver did not finish in 180 s:\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), master + " driver failed:\n" + out);
            String line = out.lines()
                    .filter(l -> l.startsWith("RESULT "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line:\n" + out));
            System.err.println(master + " -Xmx" + heap + ": " + line);
            Map<String, String> m = new HashMap<>();
            for (String kv : line.substring("RESULT ".length()).split(" ")) {
                String[] parts = kv.split("=", 2);
                m.put(parts[0], parts[1]);
            }
            return m;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
