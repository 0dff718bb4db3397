package io.amorsize.tune;

import io.amorsize.Recommendation;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.key.CacheKey;
import io.amorsize.model.Observation;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decision that can learn from its run: handed to the engine adapter ({@link EngineAdapter#tuned})
 * with every decision made from, or stored under, a cache entry while {@code feedback.enabled} is on.
 * The engine reads its own metrics after the run and calls {@link #observed} once; the observation
 * goes through the normal store path ({@link RecommendationStore#observe}: a server-side merge in
 * Redis, the file under its lock, the journal during an outage).
 *
 * <p>Only the first report counts; reporting never throws (a failure is one WARN line) and never
 * blocks the user's job longer than one store call.
 */
public final class TunedRun {

    private static final Logger LOG = LoggerFactory.getLogger(TunedRun.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Observations an entry keeps. */
    public static final int KEEP = 8;

    private final RecommendationStore store;
    private final CacheKey key;
    private final Recommendation recommendation;
    private final int correctedBy;
    private final Clock clock;
    private final AtomicBoolean reported = new AtomicBoolean();

    TunedRun(RecommendationStore store, CacheKey key, Recommendation recommendation, int correctedBy, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.key = Objects.requireNonNull(key, "key");
        this.recommendation = Objects.requireNonNull(recommendation, "recommendation");
        this.correctedBy = correctedBy;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public CacheKey key() {
        return key;
    }

    public Recommendation recommendation() {
        return recommendation;
    }

    /** Observations the decision was corrected with (0 = the cold profile). */
    public int correctedBy() {
        return correctedBy;
    }

    /** True once {@link #observed} has been called. */
    public boolean reported() {
        return reported.get();
    }

    /**
     * What an engine read back from one run of the tuned step.
     *
     * @param makespanNanos observed wall time of the step (> 0)
     * @param records       records the step processed, or {@value Observation#UNKNOWN}
     * @param costNanos     wall time per record, net of per-task overhead, or {@value Observation#UNKNOWN}
     * @param overheadNanos per-task overhead, or {@value Observation#UNKNOWN}
     * @param spread        slowest ÷ median task (>= 1), or {@value Observation#UNKNOWN}
     */
    public record Metrics(double makespanNanos, long records, double costNanos, double overheadNanos, double spread) {}

    /**
     * Stores the observation of this run (the first call only).
     *
     * @return the observation stored, or null (already reported, no prediction, the entry is gone,
     *         the metrics are out of range, or the store failed: DEBUG or one WARN line)
     */
    public Observation observed(Metrics m) {
        Objects.requireNonNull(m, "metrics");
        if (!reported.compareAndSet(false, true)) {
            return null;
        }
        double predicted = recommendation.predictedNanos();
        if (!(predicted > 0) || !Double.isFinite(predicted)) {
            LOG.debug("amorsize: no prediction to compare the run of {} with; not observed", key);
            return null;
        }
        Observation o;
        try {
            o = new Observation(
                    RANDOM.nextLong() & Long.MAX_VALUE,
                    Math.max(0, clock.millis()),
                    recommendation.partitions(),
                    recommendation.action(),
                    recommendation.batchSize(),
                    correctedBy,
                    predicted,
                    m.makespanNanos(),
                    m.records(),
                    sane(m.costNanos()),
                    overhead(m.overheadNanos()),
                    m.spread() >= 1 ? m.spread() : Observation.UNKNOWN);
        } catch (IllegalArgumentException e) {
            LOG.debug("amorsize: run of {} not observed: {}", key, e.getMessage());
            return null;
        }
        try {
            if (!store.observe(key, o, KEEP)) {
                LOG.debug("amorsize: no entry under {} any more; observation dropped", key);
                return null;
            }
        } catch (RuntimeException e) {
            LOG.warn("amorsize: could not store the observation of the run ({})", Tuner.describe(e));
            return null;
        }
        LOG.info(String.format(
                Locale.ROOT,
                "amorsize: observed the run of %s: predicted %.2f s, observed %.2f s (%+.0f %%)%s",
                store.render(key),
                predicted / 1e9,
                o.observedNanos() / 1e9,
                o.predictionError() * 100,
                o.recordsKnown() ? String.format(Locale.ROOT, ", %,d records", o.records()) : ""));
        return o;
    }

    private static double sane(double cost) {
        return cost > 0 && Double.isFinite(cost) ? cost : Observation.UNKNOWN;
    }

    private static double overhead(double nanos) {
        return nanos >= 0 && Double.isFinite(nanos) ? nanos : Observation.UNKNOWN;
    }

    @Override
    public String toString() {
        return "TunedRun{" + key + ", " + recommendation.partitions() + " partitions, correctedBy " + correctedBy + "}";
    }
}
