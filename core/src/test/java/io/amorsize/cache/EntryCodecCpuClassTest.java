package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executors' CPU class on the wire: an optional field (older entries have none), strict when present. */
class EntryCodecCpuClassTest {

    static final String KEY = "amorsize:v1:fn123:n20:spark-4.1.1-amd64-4c-m30";
    static final long T0 = 1_700_000_000_000L;

    private final EntryCodec plain = new EntryCodec(null);
    private final EntryCodec signed = EntryCodec.withSecret("s3cr3t-value");

    private static CacheEntry onCpu(String cpuClass) {
        CacheEntry e = EntryCodecFixtures.entry(KEY, T0);
        return new CacheEntry(
                e.schemaVersion(),
                e.key(),
                e.profile(),
                e.cluster().withCpuClass(cpuClass),
                e.workload(),
                e.partitions(),
                e.batchSize(),
                e.action(),
                e.createdAtMillis());
    }

    @Test
    void theCpuClassRoundTripsAndIsWrittenOnlyWhenKnown() throws Exception {
        for (EntryCodec codec : new EntryCodec[] {plain, signed}) {
            CacheEntry amd = onCpu("amd64-4c");
            String json = new String(codec.encode(KEY, amd), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"perTaskOverheadNanos\":2000000.0,\"cpuClass\":\"amd64-4c\"}"), json);
            CacheEntry back = codec.decode(KEY, json.getBytes(StandardCharsets.UTF_8));
            assertEquals(amd, back);
            assertEquals("amd64-4c", back.cluster().cpuClass());
            assertEquals("spark-4.1.1-amd64-4c-m30", back.cluster().fingerprint(), "the entry names its cluster");

            String unknown = new String(codec.encode(KEY, EntryCodecFixtures.entry(KEY, T0)), StandardCharsets.UTF_8);
            assertFalse(unknown.contains("cpuClass"), "unknown: the format of older entries, byte for byte");
            assertEquals(
                    "",
                    codec.decode(KEY, unknown.getBytes(StandardCharsets.UTF_8))
                            .cluster()
                            .cpuClass());
        }
    }

    @Test
    void rejectsBadCpuClasses() {
        String good = new String(plain.encode(KEY, onCpu("amd64-4c")), StandardCharsets.UTF_8);
        String field = "\"cpuClass\":\"amd64-4c\"}";
        assertTrue(good.contains(field), good);
        Map<String, String> poisoned = new LinkedHashMap<>();
        poisoned.put("a space", good.replace(field, "\"cpuClass\":\"amd 64\"}"));
        poisoned.put("a colon (leaves the key's token)", good.replace(field, "\"cpuClass\":\"a:b\"}"));
        poisoned.put("a glob", good.replace(field, "\"cpuClass\":\"amd*\"}"));
        poisoned.put("too long", good.replace(field, "\"cpuClass\":\"" + "x".repeat(65) + "\"}"));
        poisoned.put("null", good.replace(field, "\"cpuClass\":null}"));
        poisoned.put("a number", good.replace(field, "\"cpuClass\":4}"));
        poisoned.put("twice", good.replace(field, "\"cpuClass\":\"amd64-4c\",\"cpuClass\":\"amd64-4c\"}"));
        for (Map.Entry<String, String> p : poisoned.entrySet()) {
            assertThrows(
                    RejectedEntryException.class,
                    () -> plain.decode(KEY, p.getValue().getBytes(StandardCharsets.UTF_8)),
                    p.getKey());
        }
    }

    @Test
    void theMacCoversTheCpuClass() {
        String json = new String(signed.encode(KEY, onCpu("amd64-4c")), StandardCharsets.UTF_8);
        String tampered = json.replace("\"cpuClass\":\"amd64-4c\"}", "\"cpuClass\":\"amd64-8c\"}");
        assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, tampered.getBytes(StandardCharsets.UTF_8)));
        String dropped = json.replace(",\"cpuClass\":\"amd64-4c\"}", "}");
        assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, dropped.getBytes(StandardCharsets.UTF_8)));
    }
}
