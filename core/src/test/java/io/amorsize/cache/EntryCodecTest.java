package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amorsize.Action;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.Workload;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

    static final String KEY = "amorsize:v1:fn123:n20:spark-4.1.1-s8-m30";
    static final long T0 = 1_700_000_000_000L;

    private final EntryCodec plain = new EntryCodec(null);
    private final EntryCodec signed = EntryCodec.withSecret("s3cr3t-value");

    @Test
    void roundTripsWithAndWithoutSecret() throws Exception {
        for (EntryCodec codec : new EntryCodec[] {plain, signed}) {
            for (CacheEntry e :
                    new CacheEntry[] {EntryCodecFixtures.entry(KEY, T0), EntryCodecFixtures.batchEntry(KEY, T0)}) {
                byte[] bytes = codec.encode(KEY, e);
                assertTrue(bytes.length < 2048, "an entry is about 1 KB, was " + bytes.length);
                CacheEntry back = codec.decode(KEY, bytes);
                assertEquals(e, back);
                assertTrue(Double.isNaN(EntryCodecFixtures.batchEntry(KEY, T0)
                        .profile()
                        .batchFit()
                        .rSquared()));
            }
        }
    }

    @Test
    void encodingIsTheDocumentedFormat() {
        String json = new String(plain.encode(KEY, EntryCodecFixtures.entry(KEY, T0)), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"schema\":1,\"key\":\"" + KEY + "\",\"profile\":{\"sampleSize\":200,"), json);
        assertTrue(json.contains("\"batchFit\":null"), json);
        assertTrue(json.contains("\"decision\":{\"partitions\":16,\"batchSize\":1,\"action\":\"REPARTITION\"}"), json);
        assertTrue(json.endsWith(",\"createdAt\":" + T0 + ",\"mac\":\"\"}"), json);
        String signedJson = new String(signed.encode(KEY, EntryCodecFixtures.entry(KEY, T0)), StandardCharsets.UTF_8);
        assertTrue(signedJson.matches(".*\"mac\":\"[0-9a-f]{64}\"}$"), signedJson);
    }

    /** Issue 3, test 8: each poisoned value is rejected with a reason. */
    @Test
    void rejectsEveryPoisonedValue() {
        String good = new String(plain.encode(KEY, EntryCodecFixtures.entry(KEY, T0)), StandardCharsets.UTF_8);
        String dec = "\"decision\":{\"partitions\":16,";
        assertTrue(good.contains(dec));
        Map<String, String> poisoned = new LinkedHashMap<>();
        poisoned.put("partitions 1e9 (int)", good.replace(dec, "\"decision\":{\"partitions\":1000000000,"));
        poisoned.put("partitions 1e9 (float)", good.replace(dec, "\"decision\":{\"partitions\":1e9,"));
        poisoned.put("partitions -1", good.replace(dec, "\"decision\":{\"partitions\":-1,"));
        poisoned.put("partitions 0", good.replace(dec, "\"decision\":{\"partitions\":0,"));
        poisoned.put("partitions 3.9", good.replace(dec, "\"decision\":{\"partitions\":3.9,"));
        poisoned.put("partitions \"4000000\"", good.replace(dec, "\"decision\":{\"partitions\":\"4000000\","));
        poisoned.put("partitions \"16\" (quoted)", good.replace(dec, "\"decision\":{\"partitions\":\"16\","));
        poisoned.put("partitions null", good.replace(dec, "\"decision\":{\"partitions\":null,"));
        poisoned.put("partitions above records", good.replace("\"records\":1000000,", "\"records\":10,"));
        poisoned.put(
                "partitions above slots x 64",
                good.replace("\"slots\":8,", "\"slots\":1,").replace(dec, "\"decision\":{\"partitions\":65,"));
        poisoned.put("slots 0", good.replace("\"slots\":8,", "\"slots\":0,"));
        poisoned.put(
                "rSquared \"NaN\"",
                new String(plain.encode(KEY, EntryCodecFixtures.batchEntry(KEY, T0)), StandardCharsets.UTF_8)
                        .replace("\"rSquared\":null", "\"rSquared\":\"NaN\""));
        poisoned.put("cpu \"Infinity\"", good.replace("\"cpuNanos\":900.0", "\"cpuNanos\":\"Infinity\""));
        poisoned.put("batch size above records", good.replace("\"batchSize\":1,", "\"batchSize\":2000000,"));
        poisoned.put("batch size 0", good.replace("\"batchSize\":1,", "\"batchSize\":0,"));
        poisoned.put("mean cost 0", good.replace("\"meanNanos\":1200.0", "\"meanNanos\":0.0"));
        poisoned.put("mean cost negative", good.replace("\"meanNanos\":1200.0", "\"meanNanos\":-5.0"));
        poisoned.put("mean cost NaN", good.replace("\"meanNanos\":1200.0", "\"meanNanos\":NaN"));
        poisoned.put("mean cost \"NaN\"", good.replace("\"meanNanos\":1200.0", "\"meanNanos\":\"NaN\""));
        poisoned.put("mean cost 1e308", good.replace("\"meanNanos\":1200.0", "\"meanNanos\":1e308"));
        poisoned.put("input size -2", good.replace("\"inputBytes\":64.0", "\"inputBytes\":-2.0"));
        poisoned.put("key null", good.replace("\"key\":\"" + KEY + "\"", "\"key\":null"));
        poisoned.put("profile null", good.replaceFirst("\"profile\":\\{[^}]*\\}", "\"profile\":null"));
        poisoned.put("missing field", good.replace("\"batchSize\":1,", ""));
        poisoned.put("missing nullable field", good.replace(",\"batchFit\":null", ""));
        poisoned.put("missing mac", good.replace(",\"mac\":\"\"", ""));
        poisoned.put("duplicate key", good.replace(dec, "\"decision\":{\"partitions\":16,\"partitions\":17,"));
        poisoned.put("duplicate top-level key", good.replace("\"schema\":1,", "\"schema\":1,\"schema\":1,"));
        poisoned.put("trailing garbage", good + "xyz");
        poisoned.put("trailing object", good + "{}");
        poisoned.put(
                "10 MB string", good.replace("\"engine\":\"spark\"", "\"engine\":\"" + "a".repeat(10 << 20) + "\""));
        poisoned.put(
                "60 KB string (under the size cap)",
                good.replace("\"engine\":\"spark\"", "\"engine\":\"" + "a".repeat(60_000) + "\""));
        poisoned.put("deep nesting", good.replace("\"mac\":\"\"", "\"mac\":" + "[".repeat(5000) + "]".repeat(5000)));
        poisoned.put("deep nesting top level", "[".repeat(20_000) + "]".repeat(20_000));
        poisoned.put("@class type id", good.replace("{\"schema\":1,", "{\"@class\":\"java.net.URL\",\"schema\":1,"));
        poisoned.put(
                "@class in nested",
                good.replace("\"cluster\":{", "\"cluster\":{\"@class\":\"io.amorsize.model.ClusterShape\","));
        poisoned.put(
                "wrapper-array type id",
                good.replaceFirst("\"cluster\":(\\{[^}]*\\})", "\"cluster\":[\"java.util.HashMap\",$1]"));
        poisoned.put("unknown field", good.replace("\"schema\":1,", "\"schema\":1,\"extra\":true,"));
        poisoned.put("schema 2", good.replace("\"schema\":1,", "\"schema\":2,"));
        poisoned.put("enum as number", good.replace("\"action\":\"REPARTITION\"", "\"action\":2"));
        poisoned.put("enum lower case", good.replace("\"action\":\"REPARTITION\"", "\"action\":\"repartition\""));
        poisoned.put("enum unknown", good.replace("\"action\":\"REPARTITION\"", "\"action\":\"DROP_TABLE\""));
        poisoned.put("boolean as number", good.replace("\"steadyState\":true", "\"steadyState\":1"));
        poisoned.put("boolean as string", good.replace("\"steadyState\":true", "\"steadyState\":\"true\""));
        poisoned.put("string as number", good.replace("\"engine\":\"spark\"", "\"engine\":5"));
        poisoned.put("createdAt far future", good.replace("\"createdAt\":" + T0, "\"createdAt\":" + Long.MAX_VALUE));
        poisoned.put("createdAt negative", good.replace("\"createdAt\":" + T0, "\"createdAt\":-1"));
        poisoned.put("single-value array", good.replace(dec, "\"decision\":{\"partitions\":[16],"));
        poisoned.put("empty", "");
        poisoned.put("null document", "null");
        poisoned.put("truncated", good.substring(0, good.length() / 2));
        for (Map.Entry<String, String> p : poisoned.entrySet()) {
            assertFalse(p.getValue().equals(good), p.getKey() + ": the mutation did not apply");
            byte[] bytes = p.getValue().getBytes(StandardCharsets.UTF_8);
            RejectedEntryException ex = assertThrows(
                    RejectedEntryException.class, () -> plain.decode(KEY, bytes), p.getKey() + " was accepted");
            assertTrue(
                    ex.getMessage() != null && ex.getMessage().length() < 400,
                    p.getKey() + ": message must say why, briefly: " + ex.getMessage());
            assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, bytes), p.getKey());
        }
    }

    @Test
    void sizeCapIsCheckedBeforeParsing() {
        byte[] big = new byte[EntryCodec.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        RejectedEntryException ex = assertThrows(RejectedEntryException.class, () -> plain.decode(KEY, big));
        assertTrue(ex.getMessage().contains("cap"), ex.getMessage());
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] good = plain.encode(KEY, EntryCodecFixtures.entry(KEY, T0));
        String s = new String(good, StandardCharsets.UTF_8);
        int at = s.indexOf("spark") + 1;
        byte[] bad = good.clone();
        bad[at] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        RejectedEntryException ex = assertThrows(RejectedEntryException.class, () -> plain.decode(KEY, bad));
        assertTrue(ex.getMessage().contains("UTF-8"), ex.getMessage());
    }

    @Test
    void rejectsAnEntryStoredUnderAnotherKey() {
        byte[] bytes = plain.encode(KEY, EntryCodecFixtures.entry(KEY, T0));
        RejectedEntryException ex =
                assertThrows(RejectedEntryException.class, () -> plain.decode(KEY.replace("fn123", "fn999"), bytes));
        assertTrue(ex.getMessage().contains("fn999"), ex.getMessage());
    }

    @Test
    void encodeRefusesWhatDecodeWouldReject() {
        CostProfile p = CostProfile.of(1000, 0.1, 10, 10);
        CacheEntry tooManyPartitions = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(1_000_000, 4),
                8 * 64 + 1,
                1,
                Action.REPARTITION,
                T0);
        assertThrows(IllegalArgumentException.class, () -> plain.encode(KEY, tooManyPartitions));
        CacheEntry batchAboveRecords = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(100, 4),
                4,
                101,
                Action.REPARTITION,
                T0);
        assertThrows(IllegalArgumentException.class, () -> plain.encode(KEY, batchAboveRecords));
        CacheEntry zeroRecords = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(0, 4),
                4,
                1,
                Action.KEEP,
                T0);
        assertDoesNotThrow(zeroRecords);
    }

    /** Issue 12: control characters in stored strings are rejected on read and refused on write. */
    @Test
    void controlCharactersInStoredStringsAreRejected() {
        String good = new String(plain.encode(KEY, EntryCodecFixtures.entry(KEY, T0)), StandardCharsets.UTF_8);
        assertTrue(good.contains("\"engine\":\"spark\""), good);
        for (String escaped : new String[] {"\\n", "\\r", "\\u0007", "\\u001b[31m", "\\u007f", "\\u0085", "\\u2028"}) {
            String poisoned = good.replace("\"engine\":\"spark\"", "\"engine\":\"spa" + escaped + "rk\"");
            RejectedEntryException e = assertThrows(
                    RejectedEntryException.class,
                    () -> plain.decode(KEY, poisoned.getBytes(StandardCharsets.UTF_8)),
                    escaped);
            assertTrue(e.getMessage().contains("control character"), e.getMessage());
            String inVersion = good.replace("\"engineVersion\":\"4.1.1\"", "\"engineVersion\":\"4.1" + escaped + "\"");
            assertThrows(
                    RejectedEntryException.class,
                    () -> plain.decode(KEY, inVersion.getBytes(StandardCharsets.UTF_8)),
                    escaped);
        }
        CacheEntry forged = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                CostProfile.of(1000, 0.1, 10, 10),
                new io.amorsize.model.ClusterShape("spark\nWARN forged", "4.1.1", 8, 1L << 30, 2_000_000.0),
                Workload.of(1_000_000, 4),
                16,
                1,
                Action.REPARTITION,
                T0);
        assertThrows(IllegalArgumentException.class, () -> plain.encode(KEY, forged));
        String unicode = good.replace("\"engine\":\"spark\"", "\"engine\":\"spärk-ß\"");
        assertDoesNotThrowDecoding(unicode);
    }

    private void assertDoesNotThrowDecoding(String json) {
        try {
            plain.decode(KEY, json.getBytes(StandardCharsets.UTF_8));
        } catch (RejectedEntryException e) {
            fail("printable non-ASCII must stay accepted: " + e.getMessage());
        }
    }

    /** A KEEP stores the engine's own count, which may exceed any count Amorsize would choose. */
    @Test
    void keepOfTheEnginesOwnCountIsAcceptedWhateverItsSize() throws Exception {
        CostProfile p = CostProfile.of(1000, 0.1, 10, 10);
        CacheEntry tinyPartitionsKept = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(1_000_000, 10_000),
                10_000,
                1,
                Action.KEEP,
                T0);
        assertDoesNotThrow(tinyPartitionsKept);
        CacheEntry moreThanRecords = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(1, 3),
                3,
                1,
                Action.KEEP,
                T0);
        assertDoesNotThrow(moreThanRecords);
        CacheEntry keepThatChanges = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(1_000_000, 10_000),
                9_000,
                1,
                Action.KEEP,
                T0);
        assertThrows(IllegalArgumentException.class, () -> plain.encode(KEY, keepThatChanges));
        CacheEntry absurdCurrent = new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                EntryCodecFixtures.CLUSTER,
                Workload.of(2_000_000_000L, 1_000_000_000),
                1_000_000_000,
                1,
                Action.KEEP,
                T0);
        assertThrows(IllegalArgumentException.class, () -> plain.encode(KEY, absurdCurrent));
    }

    private void assertDoesNotThrow(CacheEntry e) {
        try {
            assertEquals(e, plain.decode(KEY, plain.encode(KEY, e)));
        } catch (RejectedEntryException ex) {
            fail(ex.getMessage());
        }
    }

    /** Issue 3, test 9: a flipped byte anywhere, a copy under another key, a wrong secret, no MAC. */
    @Test
    void hmacRejectsEveryFlippedByte() throws Exception {
        byte[] good = signed.encode(KEY, EntryCodecFixtures.batchEntry(KEY, T0));
        assertEquals(EntryCodecFixtures.batchEntry(KEY, T0), signed.decode(KEY, good));
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            int pos = i;
            assertThrows(
                    RejectedEntryException.class,
                    () -> signed.decode(KEY, bad),
                    () -> "flipped byte at " + pos + " accepted: " + new String(bad, StandardCharsets.UTF_8));
        }
        // A semantic change with a syntactically valid payload fails on the MAC, not elsewhere.
        String s = new String(good, StandardCharsets.UTF_8).replace("\"meanNanos\":850.5", "\"meanNanos\":850.6");
        RejectedEntryException ex = assertThrows(
                RejectedEntryException.class, () -> signed.decode(KEY, s.getBytes(StandardCharsets.UTF_8)));
        assertTrue(ex.getMessage().contains("MAC"), ex.getMessage());
        assertArrayEquals(
                good, signed.encode(KEY, EntryCodecFixtures.batchEntry(KEY, T0)), "encoding is deterministic");
    }

    @Test
    void hmacRejectsCopyUnderAnotherKeyWrongSecretAndMissingMac() throws Exception {
        byte[] good = signed.encode(KEY, EntryCodecFixtures.entry(KEY, T0));
        String other = KEY.replace("fn123", "fn456");
        // Copied verbatim: the key check catches it.
        assertThrows(RejectedEntryException.class, () -> signed.decode(other, good));
        // Copied with the key field rewritten too: only the MAC catches it.
        byte[] moved =
                new String(good, StandardCharsets.UTF_8).replace(KEY, other).getBytes(StandardCharsets.UTF_8);
        RejectedEntryException ex = assertThrows(RejectedEntryException.class, () -> signed.decode(other, moved));
        assertTrue(ex.getMessage().contains("MAC"), ex.getMessage());
        // Without a secret the rewritten copy would pass: the MAC is what protects it.
        assertEquals(EntryFormat.keyOf(other), plain.decode(other, moved).key());

        EntryCodec wrong = EntryCodec.withSecret("another-secret");
        RejectedEntryException w = assertThrows(RejectedEntryException.class, () -> wrong.decode(KEY, good));
        assertFalse(w.getMessage().contains("s3cr3t") || w.getMessage().contains("another-secret"), w.getMessage());

        byte[] unsigned = plain.encode(KEY, EntryCodecFixtures.entry(KEY, T0));
        RejectedEntryException m = assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, unsigned));
        assertTrue(m.getMessage().contains("missing MAC"), m.getMessage());
        byte[] badHex = new String(good, StandardCharsets.UTF_8)
                .replaceFirst("\"mac\":\"[0-9a-f]{64}\"", "\"mac\":\"zz\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, badHex));
        assertEquals(EntryCodecFixtures.entry(KEY, T0), plain.decode(KEY, good), "an unsigned reader ignores the MAC");
        assertFalse(signed.toString().contains("s3cr3t"));
        assertThrows(IllegalArgumentException.class, () -> new EntryCodec(new byte[0]));
    }
}
