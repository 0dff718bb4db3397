package io.amorsize;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What Amorsize recommends for running one function over one input on one cluster: how many
 * partitions (or operator parallelism), how to get there ({@link #action()}), and how many records
 * per call for batch functions. Immutable.
 *
 * @param partitions         recommended partition count, at least 1
 * @param batchSize          recommended records per call of a batch function, at least 1 (1 when
 *                           batching buys nothing or the function is per-record)
 * @param action             how to apply {@code partitions} to the current partitioning
 * @param currentPartitions  the partition count the input had (what KEEP means)
 * @param predictedNanos     predicted makespan with the recommendation, in nanoseconds (NaN if
 *                           unknown, e.g. for a fallback)
 * @param currentNanos       predicted makespan with the current partitioning (NaN if unknown)
 * @param warnings           human-readable warnings, never null
 * @param source             where the recommendation came from
 * @param explanation        multi-line text with the numbers behind the decision
 */
public record Recommendation(
        int partitions,
        int batchSize,
        Action action,
        int currentPartitions,
        double predictedNanos,
        double currentNanos,
        List<String> warnings,
        Source source,
        String explanation)
        implements java.io.Serializable {

    public Recommendation {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (currentPartitions < 1) {
            throw new IllegalArgumentException("currentPartitions must be >= 1, got " + currentPartitions);
        }
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(source, "source");
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
        explanation = Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * The recommendation that changes nothing: keep {@code currentPartitions}, batch size 1.
     *
     * @param currentPartitions the engine's own partition count / parallelism (at least 1)
     * @param reason            why tuning did not produce a recommendation; becomes the warning
     */
    public static Recommendation fallback(int currentPartitions, String reason) {
        Objects.requireNonNull(reason, "reason");
        int p = Math.max(1, currentPartitions);
        return new Recommendation(
                p,
                1,
                Action.KEEP,
                p,
                Double.NaN,
                Double.NaN,
                List.of(reason),
                Source.DEFAULT_FALLBACK,
                "amorsize: kept the engine's partitioning (" + p + " partitions): " + reason);
    }

    /** Same number as {@link #partitions()}, for engines that call it operator parallelism. */
    public int parallelism() {
        return partitions;
    }

    /** Predicted makespan with the current partitioning ÷ with the recommendation; 1.0 if unknown. */
    public double estimatedSpeedup() {
        if (!(predictedNanos > 0) || !(currentNanos > 0)) {
            return 1.0;
        }
        return currentNanos / predictedNanos;
    }

    /** True when the measured profile came from a cache (Redis or the local file). */
    public boolean cacheHit() {
        return source == Source.CACHE_REDIS || source == Source.CACHE_FILE;
    }

    /**
     * True when the input's partitioning should be changed: any REPARTITION (a shuffle to the same
     * count still spreads records clustered in one partition) or a COALESCE to fewer partitions.
     */
    public boolean changesPartitioning() {
        return action == Action.REPARTITION || (action == Action.COALESCE && partitions != currentPartitions);
    }

    /** Predicted makespan with the recommendation, or {@code null} when unknown. */
    public Duration predictedMakespan() {
        return Double.isFinite(predictedNanos) ? Duration.ofNanos(Math.round(predictedNanos)) : null;
    }

    /** Multi-line explanation: measured cost, cluster shape, the best candidates, why the winner won. */
    public String explain() {
        return explanation;
    }

    /** A copy that reports another source (e.g. after a cache hit). */
    public Recommendation withSource(Source newSource) {
        return new Recommendation(
                partitions,
                batchSize,
                action,
                currentPartitions,
                predictedNanos,
                currentNanos,
                warnings,
                newSource,
                explanation);
    }

    @Override
    public String toString() {
        return "Recommendation{" + partitions + " partitions (" + action + " from " + currentPartitions
                + "), batch " + batchSize + ", speedup "
                + String.format(java.util.Locale.ROOT, "%.2f", estimatedSpeedup())
                + "x, " + source + (warnings.isEmpty() ? "" : ", warnings=" + warnings) + "}";
    }
}
