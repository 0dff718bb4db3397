package io.amorsize.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amorsize.Action;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TuningMetricsTest {

    private static Recommendation of(Source source) {
        return new Recommendation(2, 1, Action.REPARTITION, 1, 1, 2, List.of(), source, "t");
    }

    @Test
    void snapshotIsAValueOfTheCountersAtThatMoment() {
        TuningMetrics m = new TuningMetrics();
        m.record(of(Source.CACHE_REDIS), 2_000_000);
        m.record(of(Source.COMPUTED), 5_000_000);
        m.record(Recommendation.fallback(3, "boom"), 1_000_000);
        TuningMetrics.Counts counts = m.snapshot();
        m.record(of(Source.CACHE_FILE), 1_000_000);

        assertEquals(new TuningMetrics.Counts(3, 1, 1, 1, 8_000_000), counts, "later decisions do not change it");
        assertEquals(
                Map.of("decisions", 3L, "hits", 1L, "misses", 1L, "fallbacks", 1L, "tuningMillis", 8L), counts.asMap());
        assertEquals(
                List.of("decisions", "hits", "misses", "fallbacks", "tuningMillis"),
                List.copyOf(counts.asMap().keySet()));
        assertEquals("amorsize tuning: 3 decisions, 1 hits, 1 misses, 1 fallbacks, 8 ms tuning", counts.toString());
        assertEquals(2, m.snapshot().hits());
    }
}
