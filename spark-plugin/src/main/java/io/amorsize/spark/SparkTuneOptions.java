package io.amorsize.spark;

import io.amorsize.config.Options;
import io.amorsize.model.ClusterShape;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-call options of {@link AmorsizeSpark}; they override the SparkConf. Immutable; build with
 * {@link #builder()}. {@link #defaults()} changes nothing.
 */
public final class SparkTuneOptions {

    private static final SparkTuneOptions DEFAULTS = builder().build();

    private final String functionId;
    private final String functionVersion;
    private final Boolean strict;
    private final Duration sampleBudget;
    private final ClusterShape targetCluster;
    private final Integer cores;

    private SparkTuneOptions(Builder b) {
        this.functionId = b.functionId;
        this.functionVersion = b.functionVersion;
        this.strict = b.strict;
        this.sampleBudget = b.sampleBudget;
        this.targetCluster = b.targetCluster;
        this.cores = b.cores;
    }

    public static SparkTuneOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Explicit function id, or null to fingerprint the function object. */
    public String functionId() {
        return functionId;
    }

    /** Version paired with {@link #functionId()}, or null. */
    public String functionVersion() {
        return functionVersion;
    }

    /** The cluster to plan for instead of the live one, or null. */
    public ClusterShape targetCluster() {
        return targetCluster;
    }

    /** The overrides as option keys (without prefix) → text, for {@link SparkSettings#resolve}. */
    Map<String, String> perCallOverrides() {
        Map<String, String> m = new HashMap<>();
        if (strict != null) {
            m.put(Options.STRICT.key(), strict.toString());
        }
        if (sampleBudget != null) {
            m.put(Options.SAMPLE_BUDGET.key(), sampleBudget.toNanos() / 1_000_000 + "ms");
        }
        if (cores != null) {
            m.put(Options.CLUSTER_CORES.key(), cores.toString());
        }
        return m;
    }

    @Override
    public String toString() {
        return "SparkTuneOptions{functionId=" + functionId + ", functionVersion=" + functionVersion
                + ", strict=" + strict + ", sampleBudget=" + sampleBudget + ", targetCluster=" + targetCluster
                + (cores != null ? ", cores=" + cores : "") + "}";
    }

    /** Builder of {@link SparkTuneOptions}; every setting is optional. */
    public static final class Builder {
        private String functionId;
        private String functionVersion;
        private Boolean strict;
        private Duration sampleBudget;
        private ClusterShape targetCluster;
        private Integer cores;

        private Builder() {
        }

        /**
         * Identifies the function by a stable id and version instead of fingerprinting its code:
         * use it when the function's class changes between builds but its cost does not (or to force
         * a re-measurement by bumping the version).
         */
        public Builder function(String id, String version) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank");
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("version must not be blank");
            }
            this.functionId = id;
            this.functionVersion = version;
            return this;
        }

        /** Throw {@link io.amorsize.AmorsizeException} when tuning fails instead of keeping the RDD. */
        public Builder strict(boolean value) {
            this.strict = value;
            return this;
        }

        /** Wall-time budget for drawing the sample (at least 1 ms). */
        public Builder sampleBudget(Duration budget) {
            Objects.requireNonNull(budget, "budget");
            if (budget.toMillis() < 1) {
                throw new IllegalArgumentException("budget must be at least 1 ms, got " + budget);
            }
            this.sampleBudget = budget;
            return this;
        }

        /**
         * Plans for this cluster instead of the live one (e.g. tuning on a laptop for a bigger
         * cluster). A per-task overhead of 0 means "calibrate it on the live cluster".
         */
        public Builder targetCluster(ClusterShape cluster) {
            this.targetCluster = Objects.requireNonNull(cluster, "cluster");
            return this;
        }

        /**
         * The CPU cores the job's tasks share, instead of detecting them
         * ({@code spark.amorsize.cluster.cores} per call): CPU-bound work gains from at most
         * min(slots, cores) tasks.
         */
        public Builder cores(int cores) {
            if (cores < 1 || cores > ClusterShape.MAX_CORES) {
                throw new IllegalArgumentException("cores must be in 1.." + ClusterShape.MAX_CORES + ", got " + cores);
            }
            this.cores = cores;
            return this;
        }

        public SparkTuneOptions build() {
            return new SparkTuneOptions(this);
        }
    }
}
