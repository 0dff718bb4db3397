package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.model.Observation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The observation history on the wire: optional and last, each observation validated and signed. */
class EntryCodecHistoryTest {

    static final String KEY = "amorsize:v1:fn123:n20:spark-4.1.1-s8-m30";
    static final long T0 = 1_700_000_000_000L;

    private final EntryCodec plain = new EntryCodec(null);
    private final EntryCodec signed = EntryCodec.withSecret("s3cr3t-value");

    private static CacheEntry withHistory(int n) {
        CacheEntry e = EntryCodecFixtures.entry(KEY, T0);
        for (int i = 1; i <= n; i++) {
            e = e.withObservation(RecommendationStoreContract.observation(i, 2e9 + i), CacheEntry.MAX_HISTORY);
        }
        return e;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void anEntryWithoutHistoryIsWrittenAsBeforeAndAnOldEntryDecodesWithAnEmptyHistory() throws Exception {
        CacheEntry e = EntryCodecFixtures.entry(KEY, T0);
        String json = text(signed.encode(KEY, e));
        assertFalse(json.contains("history"), json);
        assertTrue(json.endsWith("\"}"), "the MAC is the last field, as before: " + json);
        assertEquals(
                List.of(),
                signed.decode(KEY, json.getBytes(StandardCharsets.UTF_8)).history());
    }

    @Test
    void theHistoryRoundTripsSignedAndComesLast() throws Exception {
        for (EntryCodec codec : List.of(plain, signed)) {
            CacheEntry e = withHistory(3);
            String json = text(codec.encode(KEY, e));
            assertTrue(json.contains(",\"history\":[{\"id\":1,") && json.endsWith("]}"), json);
            assertEquals(e, codec.decode(KEY, json.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void eachObservationIsSignedOnItsOwnSoATamperedOneIsRejected() {
        String json = text(signed.encode(KEY, withHistory(2)));
        String tampered = json.replace("\"observedNanos\":2.000000002E9", "\"observedNanos\":9.000000002E9");
        assertFalse(tampered.equals(json), json);
        RejectedEntryException ex = assertThrows(
                RejectedEntryException.class, () -> signed.decode(KEY, tampered.getBytes(StandardCharsets.UTF_8)));
        assertTrue(ex.getMessage().contains("observation MAC mismatch"), ex.getMessage());
        // an observation appended without the secret (a forged one) is rejected too
        String obs = text(plain.encodeObservation(KEY, RecommendationStoreContract.observation(9, 2e9)));
        String forged = json.substring(0, json.length() - 2) + "," + obs + "]}";
        assertThrows(RejectedEntryException.class, () -> signed.decode(KEY, forged.getBytes(StandardCharsets.UTF_8)));
        // one signed by the codec (what Redis appends) is accepted without touching the entry's MAC
        String appended = json.substring(0, json.length() - 2) + ","
                + text(signed.encodeObservation(KEY, RecommendationStoreContract.observation(9, 2e9))) + "]}";
        try {
            assertEquals(
                    3,
                    signed.decode(KEY, appended.getBytes(StandardCharsets.UTF_8))
                            .history()
                            .size());
        } catch (RejectedEntryException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badObservationsAreRejected() {
        String json = text(plain.encode(KEY, withHistory(1)));
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("NaN observed", json.replace("\"observedNanos\":2.000000001E9", "\"observedNanos\":\"NaN\""));
        bad.put("negative observed", json.replace("\"observedNanos\":2.000000001E9", "\"observedNanos\":-1.0"));
        bad.put("zero partitions", json.replace("\"partitions\":16,\"action\"", "\"partitions\":0,\"action\""));
        bad.put("spread below 1", json.replace("\"spread\":1.25", "\"spread\":0.5"));
        bad.put("cost above the bound", json.replace("\"costNanos\":950.5", "\"costNanos\":1.0E16"));
        bad.put("unknown field", json.replace("\"spread\":1.25", "\"spread\":1.25,\"extra\":1"));
        bad.put("missing field", json.replace("\"spread\":1.25,", ""));
        bad.put("quoted number", json.replace("\"records\":100000", "\"records\":\"100000\""));
        bad.put("null history", json.substring(0, json.indexOf(",\"history\"")) + ",\"history\":null}");
        bad.put(
                "future",
                json.replace("\"at\":" + (T0 + 1), "\"at\":" + (System.currentTimeMillis() + 3L * 86_400_000L)));
        for (Map.Entry<String, String> b : bad.entrySet()) {
            assertFalse(b.getValue().equals(json), b.getKey());
            assertThrows(
                    RejectedEntryException.class,
                    () -> plain.decode(KEY, b.getValue().getBytes(StandardCharsets.UTF_8)),
                    b.getKey());
        }
    }

    @Test
    void aHistoryLongerThanTheCapIsRejected() {
        CacheEntry e = withHistory(CacheEntry.MAX_HISTORY);
        String json = text(plain.encode(KEY, e));
        String obs = text(plain.encodeObservation(KEY, RecommendationStoreContract.observation(99, 2e9)));
        String longer = json.substring(0, json.length() - 2) + "," + obs + "]}";
        assertThrows(RejectedEntryException.class, () -> plain.decode(KEY, longer.getBytes(StandardCharsets.UTF_8)));
        List<Observation> seventeen = new ArrayList<>(e.history());
        seventeen.add(RecommendationStoreContract.observation(99, 2e9));
        assertThrows(
                IllegalArgumentException.class,
                () -> new CacheEntry(
                        e.schemaVersion(),
                        e.key(),
                        e.profile(),
                        e.cluster(),
                        e.workload(),
                        e.partitions(),
                        e.batchSize(),
                        e.action(),
                        e.createdAtMillis(),
                        seventeen));
    }
}
