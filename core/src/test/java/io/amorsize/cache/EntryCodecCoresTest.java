package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster's cores on the wire: an optional field, strict when present. */
class EntryCodecCoresTest {

    static final String KEY = "amorsize:v1:fn123:n20:spark-4.1.1-s8-m30";
    static final long T0 = 1_700_000_000_000L;

    private final EntryCodec plain = new EntryCodec(null);
    private final EntryCodec signed = EntryCodec.withSecret("s3cr3t-value");

    private static CacheEntry onCores(int cores) {
        CacheEntry e = EntryCodecFixtures.entry(KEY, T0);
        return new CacheEntry(
                e.schemaVersion(),
                e.key(),
                e.profile(),
                e.cluster().withCores(cores),
                e.workload(),
                e.partitions(),
                e.batchSize(),
                e.action(),
                e.createdAtMillis());
    }

    @Test
    void coresRoundTripAndAreWrittenOnlyWhenTheyDifferFromTheSlots() throws Exception {
        for (EntryCodec codec : new EntryCodec[] {plain, signed}) {
            CacheEntry four = onCores(4);
            String json = new String(codec.encode(KEY, four), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"perTaskOverheadNanos\":2000000.0,\"cores\":4}"), json);
            assertEquals(four, codec.decode(KEY, json.getBytes(StandardCharsets.UTF_8)));
            assertEquals(
                    4,
                    codec.decode(KEY, json.getBytes(StandardCharsets.UTF_8))
                            .cluster()
                            .cores());

            CacheEntry perSlot = EntryCodecFixtures.entry(KEY, T0);
            byte[] bytes = codec.encode(KEY, perSlot);
            assertFalse(
                    new String(bytes, StandardCharsets.UTF_8).contains("cores"),
                    "a core per slot is the old format, byte for byte");
            assertArrayEquals(bytes, codec.encode(KEY, onCores(8)));
            assertEquals(8, codec.decode(KEY, bytes).cluster().cores());
        }
    }

    /** An entry written before cores existed (no field, MAC over the old fields) still decodes. */
    @Test
    void anOldEntryWithoutCoresDecodesWithACorePerSlot() throws Exception {
        String old = "{\"schema\":" + EntryFormat.SCHEMA_VERSION + ",\"key\":\"" + KEY
                + "\",\"profile\":{\"sampleSize\":200,"
                + "\"steadyState\":true,\"meanNanos\":1200.0,\"p50Nanos\":1100.0,\"p95Nanos\":1900.0,\"p99Nanos\":2500.0,"
                + "\"maxNanos\":4000.0,\"cv\":0.3,\"cpuNanos\":900.0,\"inputBytes\":64.0,\"outputBytes\":16.0,"
                + "\"allocatedBytes\":-1.0,\"partitionSkew\":1.25,\"batchFit\":null},\"cluster\":{\"engine\":\"spark\","
                + "\"engineVersion\":\"4.1.1\",\"slots\":8,\"memoryPerSlotBytes\":1073741824,"
                + "\"perTaskOverheadNanos\":2000000.0},\"workload\":{\"records\":1000000,\"recordsExact\":true,"
                + "\"relativeError\":0.0,\"currentPartitions\":4,\"largestPartitionShare\":0.25,\"maxParallelism\":0,"
                + "\"preferDivisorsOfMax\":false},\"decision\":{\"partitions\":16,\"batchSize\":1,"
                + "\"action\":\"REPARTITION\"},\"createdAt\":" + T0 + ",\"mac\":\"\"}";
        CacheEntry e = plain.decode(KEY, old.getBytes(StandardCharsets.UTF_8));
        assertEquals(8, e.cluster().cores());
        assertEquals(EntryCodecFixtures.entry(KEY, T0), e);
        // Signed by this version without cores: the same MAC an old writer computed.
        byte[] signedOld = signed.encode(KEY, EntryCodecFixtures.entry(KEY, T0));
        assertEquals(EntryCodecFixtures.entry(KEY, T0), signed.decode(KEY, signedOld));
    }

    @Test
    void rejectsBadCores() {
        String good = new String(plain.encode(KEY, onCores(4)), StandardCharsets.UTF_8);
        String field = "\"cores\":4}";
        assertTrue(good.contains(field), good);
        Map<String, String> poisoned = new LinkedHashMap<>();
        poisoned.put("cores 0", good.replace(field, "\"cores\":0}"));
        poisoned.put("cores -2", good.replace(field, "\"cores\":-2}"));
        poisoned.put("cores 2.5", good.replace(field, "\"cores\":2.5}"));
        poisoned.put("cores 1e9 (float)", good.replace(field, "\"cores\":1e9}"));
        poisoned.put("cores \"4\" (quoted)", good.replace(field, "\"cores\":\"4\"}"));
        poisoned.put("cores null", good.replace(field, "\"cores\":null}"));
        poisoned.put("cores true", good.replace(field, "\"cores\":true}"));
        poisoned.put("cores above the bound", good.replace(field, "\"cores\":2000000000}"));
        poisoned.put("cores twice", good.replace(field, "\"cores\":4,\"cores\":4}"));
        for (Map.Entry<String, String> p : poisoned.entrySet()) {
            assertThrows(
                    RejectedEntryException.class,
                    () -> plain.decode(KEY, p.getValue().getBytes(StandardCharsets.UTF_8)),
                    p.getKey());
        }
    }

    @Test
    void theMacCoversTheCores() {
        String json = new String(signed.encode(KEY, onCores(4)), StandardCharsets.UTF_8);
        String tampered = json.replace("\"cores\":4}", "\"cores\":8}");
        assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, tampered.getBytes(StandardCharsets.UTF_8)));
        String dropped = json.replace(",\"cores\":4}", "}");
        assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, dropped.getBytes(StandardCharsets.UTF_8)));
    }
}
