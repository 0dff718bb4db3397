package io.amorsize.spark;

import io.amorsize.model.ClusterShape;
import io.amorsize.tune.EngineTuneOptions;
import io.amorsize.tune.TuneOptions;
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
public final class SparkTuneOptions extends EngineTuneOptions {

    private static final SparkTuneOptions DEFAULTS = builder().build();

    private final ClusterShape targetCluster;

    private SparkTuneOptions(Builder b) {
        super(b.common());
        this.targetCluster = b.targetCluster;
    }

    public static SparkTuneOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cluster to plan for instead of the live one, or null. */
    public ClusterShape targetCluster() {
        return targetCluster;
    }

    /** The overrides as option keys (without prefix) → text, for {@link SparkSettings#resolve}. */
    Map<String, String> perCallOverrides() {
        return common().perCallOverrides();
    }

    @Override
    public String toString() {
        return describe("SparkTuneOptions", "targetCluster=" + targetCluster);
    }

    /**
     * Builder of {@link SparkTuneOptions}; every setting is optional. The shared setters (function
     * identity, strict, budgets, cores, {@code set}) come from {@link TuneOptions.EngineBuilder}.
     */
    public static final class Builder extends TuneOptions.EngineBuilder<Builder> {
        private ClusterShape targetCluster;

        private Builder() {}

        @Override
        protected Builder self() {
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

        public SparkTuneOptions build() {
            return new SparkTuneOptions(this);
        }
    }
}
