package io.amorsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.model.ClusterShape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The local-tuning section of {@link Amorsize}: real sampling and measurement in this JVM. */
@Timeout(60)
class AmorsizeLocalTest {

    private static final ClusterShape SIXTEEN = new ClusterShape("test", "1", 16, 1L << 30, 5e6);

    private static List<Integer> records(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    /** Busy-spins about {@code micros} per record. */
    static long spin(int x, long micros) {
        long end = System.nanoTime() + micros * 1_000;
        long h = x;
        while (System.nanoTime() < end) {
            h = h * 31 + 7;
        }
        return h;
    }

    @Test
    void expensiveRecordsInOnePartitionAreSpreadOverTheSlots() {
        long salt = System.nanoTime(); // a fresh fingerprint: no earlier profile is reused
        RecordFunction<Integer, Long> fn = x -> spin(x, 200) + salt;
        Recommendation r = Amorsize.recommend(records(100_000), fn, SIXTEEN);
        assertEquals(Source.COMPUTED, r.source(), r.explain());
        assertEquals(Action.REPARTITION, r.action(), r.explain());
        assertEquals(16, r.partitions(), r.explain());
        assertTrue(r.explain().contains("100,000 (exact)"), r.explain());

        Recommendation again = Amorsize.recommend(records(100_000), fn, SIXTEEN);
        assertTrue(again.cacheHit(), again.toString());
        assertEquals(16, again.partitions());
    }

    @Test
    void aFailingFunctionFallsBackNamingTheRecord() {
        RecordFunction<Integer, Integer> fn = x -> {
            if (x == 5) {
                throw new IllegalStateException("record five is bad");
            }
            return x;
        };
        // 10 records: every one is sampled and warmed up, so record #5 is reached whatever the
        // decision-driven stop decides (measuring is not validating every record of a larger input)
        Recommendation r = Amorsize.recommend(records(10), fn, SIXTEEN);
        assertEquals(Source.DEFAULT_FALLBACK, r.source(), r.explain());
        assertEquals(1, r.partitions());
        assertTrue(
                r.warnings().get(0).contains("IllegalStateException"),
                r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("#5"), r.warnings().toString());
    }

    @Test
    void iterableWithExplicitCountReadsOnlyTheSample() {
        int[] read = {0};
        Iterable<Integer> lazy = () -> new java.util.Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true; // endless: must never be read to the end
            }

            @Override
            public Integer next() {
                read[0]++;
                return i++;
            }
        };
        long salt = System.nanoTime();
        Recommendation r = Amorsize.recommend(lazy, 1_000_000_000L, (Integer x) -> x + salt, SIXTEEN);
        assertFalse(r.source() == Source.DEFAULT_FALLBACK, r.explain());
        assertTrue(read[0] <= 10_000, "read " + read[0]);
        assertTrue(r.explain().contains("1,000,000,000 (exact)"), r.explain());
    }

    @Test
    void emptyInputAndBadArguments() {
        Recommendation empty = Amorsize.recommend(List.<Integer>of(), x -> x, SIXTEEN);
        assertEquals(1, empty.partitions());
        RecordFunction<Integer, Integer> id = x -> x;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Amorsize.recommend(null, id, SIXTEEN))
                .getMessage()
                .contains("input"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Amorsize.recommend(records(3), (RecordFunction<Integer, Integer>) null, SIXTEEN))
                .getMessage()
                .contains("fn"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Amorsize.recommend(records(3), id, null))
                .getMessage()
                .contains("cluster"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> Amorsize.recommend((Iterable<Integer>) records(3), -1, id, SIXTEEN))
                .getMessage()
                .contains("recordCount"));
    }

    @Test
    void localClusterDescribesThisJvm() {
        ClusterShape c = Amorsize.localCluster();
        assertEquals(Runtime.getRuntime().availableProcessors(), c.slots());
        assertEquals("local", c.engine());
        assertTrue(c.memoryPerSlotBytes() > 0);
        assertEquals(5e6, c.perTaskOverheadNanos(), 0);
    }
}
