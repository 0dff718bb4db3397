package io.amorsize.spark;

import io.amorsize.config.Option;
import io.amorsize.model.ClusterShape;
import io.amorsize.tune.TuneOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Per-call options of {@link AmorsizeSpark}; they override the SparkConf. Immutable; build with
 * {@link #builder()}. {@link #defaults()} changes nothing.
 *
 * <p>The options every engine shares ({@link TuneOptions}: function identity, strict mode, budgets,
 * any option by {@link Builder#set}) have the same names and validation as in
 * {@code FlinkTuneOptions}; {@link Builder#targetCluster} is Spark's own. Every setter throws
 * {@link IllegalArgumentException} for a bad or null argument.
 */
public final class SparkTuneOptions {

    private static final SparkTuneOptions DEFAULTS = builder().build();

    private final TuneOptions common;
    private final ClusterShape targetCluster;

    private SparkTuneOptions(Builder b) {
        this.common = b.common.build();
        this.targetCluster = b.targetCluster;
    }

    public static SparkTuneOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options every engine shares. */
    public TuneOptions common() {
        return common;
    }

    /** Explicit function id, or null to fingerprint the function object. */
    public String functionId() {
        return common.functionId();
    }

    /** Version paired with {@link #functionId()}, or null. */
    public String functionVersion() {
        return common.functionVersion();
    }

    /** Whether strict mode was set per call (null = not set here). */
    public Boolean strict() {
        return common.strict();
    }

    /** The cluster to plan for instead of the live one, or null. */
    public ClusterShape targetCluster() {
        return targetCluster;
    }

    /** The overrides as option keys (without prefix) → text, for {@link SparkSettings#resolve}. */
    Map<String, String> perCallOverrides() {
        return common.perCallOverrides();
    }

    @Override
    public String toString() {
        String c = common.describe();
        return "SparkTuneOptions{" + c + (c.isEmpty() ? "" : ", ") + "targetCluster=" + targetCluster + "}";
    }

    /** Builder of {@link SparkTuneOptions}; every setting is optional. */
    public static final class Builder {
        private final TuneOptions.Builder common = TuneOptions.builder();
        private ClusterShape targetCluster;

        private Builder() {
        }

        /**
         * Identifies the function by a stable id and version instead of fingerprinting its code:
         * use it when the function's class changes between builds but its cost does not (or to force
         * a re-measurement by bumping the version).
         */
        public Builder function(String id, String version) {
            common.function(id, version);
            return this;
        }

        /** The same as {@link #function(String, String)}, under the name {@code FlinkTuneOptions} uses. */
        public Builder functionId(String id, String version) {
            return function(id, version);
        }

        /** Throw {@link io.amorsize.AmorsizeException} when tuning fails instead of keeping the RDD. */
        public Builder strict(boolean value) {
            common.strict(value);
            return this;
        }

        /** Wall-time budget for drawing the sample (at least 1 ms). */
        public Builder sampleBudget(Duration budget) {
            common.sampleBudget(budget);
            return this;
        }

        /** Most records sampled (at least 3). */
        public Builder sampleMaxRecords(int records) {
            common.sampleMaxRecords(records);
            return this;
        }

        /** Wall-time budget for timing the function, warm-up included (at least 1 ms). */
        public Builder measureBudget(Duration budget) {
            common.measureBudget(budget);
            return this;
        }

        /** Any other option of {@link io.amorsize.config.Options#ALL}, per call. */
        public <T> Builder set(Option<T> option, T value) {
            common.set(option, value);
            return this;
        }

        /**
         * Plans for this cluster instead of the live one (e.g. tuning on a laptop for a bigger
         * cluster). A per-task overhead of 0 means "calibrate it on the live cluster".
         */
        public Builder targetCluster(ClusterShape cluster) {
            if (cluster == null) {
                throw new IllegalArgumentException("cluster must not be null");
            }
            this.targetCluster = cluster;
            return this;
        }

        /**
         * The CPU cores the job's tasks share, instead of detecting them
         * ({@code spark.amorsize.cluster.cores} per call): CPU-bound work gains from at most
         * min(slots, cores) tasks.
         */
        public Builder cores(int cores) {
            common.cores(cores);
            return this;
        }

        public SparkTuneOptions build() {
            return new SparkTuneOptions(this);
        }
    }
}
