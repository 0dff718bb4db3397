package io.amorsize.model;

import io.amorsize.Action;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * What one run that Amorsize shaped actually did, next to what was predicted for it: read back from
 * the engine's task metrics after the run and kept in the cache entry's bounded history, so that the
 * next decision corrects the sampled profile ({@link Feedback}).
 *
 * <p>Unknown quantities are {@value #UNKNOWN}. Engine-free: Spark's stage metrics and Flink's vertex
 * metrics both come down to these numbers.
 *
 * @param id              random id of this observation (a journal replay never adds it twice)
 * @param atMillis        epoch millis when the run ended
 * @param partitions      partitions (parallelism) the run used
 * @param action          how the run's input was reshaped (KEEP, COALESCE, REPARTITION)
 * @param batchSize       batch size the run used
 * @param correctedBy     how many earlier observations the run's decision used (0 = cold profile)
 * @param predictedNanos  makespan predicted for the run (> 0)
 * @param observedNanos   makespan observed (> 0)
 * @param records         records the tuned step processed, or {@value #UNKNOWN}
 * @param costNanos       observed wall time per record (task run time net of per-task overhead ÷ records), or {@value #UNKNOWN}
 * @param overheadNanos   observed per-task overhead (median task duration − run time), or {@value #UNKNOWN}
 * @param spread          slowest task ÷ median task (>= 1), or {@value #UNKNOWN}
 */
public record Observation(
        long id,
        long atMillis,
        int partitions,
        Action action,
        int batchSize,
        int correctedBy,
        double predictedNanos,
        double observedNanos,
        long records,
        double costNanos,
        double overheadNanos,
        double spread)
        implements Serializable {

    public static final int UNKNOWN = -1;

    public Observation {
        Objects.requireNonNull(action, "action");
        if (atMillis < 0) {
            throw new IllegalArgumentException("atMillis must be >= 0, got " + atMillis);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (correctedBy < 0) {
            throw new IllegalArgumentException("correctedBy must be >= 0, got " + correctedBy);
        }
        positive("predictedNanos", predictedNanos);
        positive("observedNanos", observedNanos);
        if (records < UNKNOWN) {
            throw new IllegalArgumentException("records must be >= 0 or unknown (-1), got " + records);
        }
        positiveOrUnknown("costNanos", costNanos);
        if (!Double.isFinite(overheadNanos) || (overheadNanos < 0 && overheadNanos != UNKNOWN)) {
            throw new IllegalArgumentException("overheadNanos must be >= 0 or unknown (-1), got " + overheadNanos);
        }
        if (!Double.isFinite(spread) || (spread < 1 && spread != UNKNOWN)) {
            throw new IllegalArgumentException("spread must be >= 1 or unknown (-1), got " + spread);
        }
    }

    /** Observed ÷ predicted makespan − 1 (+0.15 = the run took 15 % longer than predicted). */
    public double predictionError() {
        return observedNanos / predictedNanos - 1;
    }

    public boolean recordsKnown() {
        return records >= 0;
    }

    public boolean costKnown() {
        return costNanos > 0;
    }

    /** One line for {@code show} and logs. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s: %s %d partitions, batch %d; predicted %.3f s, observed %.3f s (%+.0f %%)%s%s%s",
                java.time.Instant.ofEpochMilli(atMillis),
                action,
                partitions,
                batchSize,
                predictedNanos / 1e9,
                observedNanos / 1e9,
                predictionError() * 100,
                recordsKnown() ? String.format(Locale.ROOT, "; records %,d", records) : "",
                costKnown() ? String.format(Locale.ROOT, "; %.1f µs/record", costNanos / 1e3) : "",
                correctedBy > 0 ? "; decided with " + correctedBy + " earlier run(s)" : "; decided cold");
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    private static void positiveOrUnknown(String name, double v) {
        if (!Double.isFinite(v) || (!(v > 0) && v != UNKNOWN)) {
            throw new IllegalArgumentException(name + " must be > 0 or unknown (-1), got " + v);
        }
    }
}
