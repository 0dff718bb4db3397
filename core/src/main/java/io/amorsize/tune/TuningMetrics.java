package io.amorsize.tune;

import io.amorsize.Recommendation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the decisions one engine made in this JVM, updated by {@link TuningPipeline}; an
 * engine publishes them (Spark: {@code AmorsizePlugin}'s metrics; Flink: {@code AmorsizeFlink.metrics()}).
 * Decisions skipped because tuning is disabled or the input is empty are not counted. Thread-safe.
 */
public final class TuningMetrics {

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong tuningNanos = new AtomicLong();

    /** Counts one decision that took {@code nanos}: a hit, a miss (measured) or a fallback. */
    public void record(Recommendation rec, long nanos) {
        decisions.incrementAndGet();
        tuningNanos.addAndGet(Math.max(0, nanos));
        switch (rec.source()) {
            case CACHE_REDIS, CACHE_FILE -> hits.incrementAndGet();
            case COMPUTED -> misses.incrementAndGet();
            case DEFAULT_FALLBACK -> {
                if (!rec.warnings().isEmpty()) {
                    fallbacks.incrementAndGet();
                }
            }
            default -> {}
        }
    }

    /** Decisions answered from a cache (Redis or the local file). */
    public long hits() {
        return hits.get();
    }

    /** Decisions that measured the function. */
    public long misses() {
        return misses.get();
    }

    /** Decisions that kept the engine's partitioning because tuning failed. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** All counted decisions. */
    public long decisions() {
        return decisions.get();
    }

    /** Total wall time spent tuning, in nanoseconds. */
    public long tuningNanos() {
        return tuningNanos.get();
    }

    /** The counters now, as one value to log or export (each read is atomic; together they are a near-instant). */
    public Counts snapshot() {
        return new Counts(decisions(), hits(), misses(), fallbacks(), tuningNanos());
    }

    /**
     * The counters at one moment, e.g. {@code LOG.info("{}", AmorsizeFlink.metrics().snapshot())} or
     * {@link #asMap()} into a metrics system.
     */
    public record Counts(long decisions, long hits, long misses, long fallbacks, long tuningNanos) {

        /** {@code decisions, hits, misses, fallbacks, tuningMillis} in that order. */
        public Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("decisions", decisions);
            m.put("hits", hits);
            m.put("misses", misses);
            m.put("fallbacks", fallbacks);
            m.put("tuningMillis", tuningNanos / 1_000_000);
            return m;
        }

        @Override
        public String toString() {
            return "amorsize tuning: " + decisions + " decisions, " + hits + " hits, " + misses + " misses, "
                    + fallbacks + " fallbacks, " + tuningNanos / 1_000_000 + " ms tuning";
        }
    }

    @Override
    public String toString() {
        return "TuningMetrics{decisions=" + decisions() + ", hits=" + hits() + ", misses=" + misses() + ", fallbacks="
                + fallbacks() + ", tuningMillis=" + tuningNanos() / 1_000_000 + "}";
    }
}
