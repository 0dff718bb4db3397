package io.amorsize.flink;

import io.amorsize.config.Settings;
import io.amorsize.tune.EngineTuneOptions;
import io.amorsize.tune.TuneOptions;

/**
 * Per-call options of {@link AmorsizeFlink#tune}: they win over the Flink configuration and the
 * environment. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * FlinkTuneOptions opts = FlinkTuneOptions.builder()
 *         .functionId("enrich-orders", "3")   // stable cache identity across code changes you deem neutral
 *         .maxParallelism(128).keyed(true)    // keyed operator: prefer divisors of 128
 *         .strict(true)
 *         .build();
 * }</pre>
 *
 * <p>The options every engine shares ({@link TuneOptions}: function identity, strict mode, budgets,
 * any option by {@link Builder#set}) have the same names and validation as in
 * {@code SparkTuneOptions}; max parallelism, keyed and slots are Flink's own. Every setter throws
 * {@link IllegalArgumentException} for a bad or null argument.
 */
public final class FlinkTuneOptions extends EngineTuneOptions {

    private static final FlinkTuneOptions DEFAULTS = builder().build();

    private final int maxParallelism;
    private final boolean keyed;
    private final int slots;
    private final MeasureOn measureOn;

    private FlinkTuneOptions(Builder b) {
        super(b.common());
        this.measureOn = b.measureOn;
        this.maxParallelism = b.maxParallelism;
        this.slots = b.slots;
        this.keyed = b.keyed;
    }

    /** No per-call options. */
    public static FlinkTuneOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the function is measured on a cache miss ({@link MeasureOn#AUTO} unless set). */
    public MeasureOn measureOn() {
        return measureOn;
    }

    /** Max parallelism of the operator, 0 when not given here (then the environment's is used). */
    public int maxParallelism() {
        return maxParallelism;
    }

    /** True for keyed operators: parallelism values that divide the max parallelism are preferred. */
    public boolean keyed() {
        return keyed;
    }

    /** Task slots the job will get, 0 when not given here (then they are detected). */
    public int slots() {
        return slots;
    }

    /** {@code base} with this call's overrides applied (origin per-call). */
    Settings applyTo(Settings base) {
        return common().applyTo(base);
    }

    @Override
    public String toString() {
        return describe(
                "FlinkTuneOptions",
                "maxParallelism=" + maxParallelism + ", keyed=" + keyed + (slots > 0 ? ", slots=" + slots : "")
                        + (measureOn != MeasureOn.AUTO ? ", measureOn=" + measureOn : ""));
    }

    /**
     * Builder of {@link FlinkTuneOptions}; every setter validates its argument. The shared setters
     * (function identity, strict, budgets, cores, {@code set}) come from {@link TuneOptions.EngineBuilder}.
     */
    public static final class Builder extends TuneOptions.EngineBuilder<Builder> {
        private int maxParallelism;
        private boolean keyed;
        private int slots;
        private MeasureOn measureOn = MeasureOn.AUTO;

        private Builder() {}

        /**
         * Where to measure the function on a cache miss: {@link MeasureOn#TASK_MANAGER} (a small
         * bounded job on the cluster), {@link MeasureOn#CLIENT} (this JVM, e.g. for a local
         * environment), or {@link MeasureOn#AUTO}: a task manager for a running cluster, the client
         * for a local environment (whose task managers are this JVM anyway).
         */
        public Builder measureOn(MeasureOn where) {
            if (where == null) {
                throw new IllegalArgumentException("measureOn must not be null");
            }
            this.measureOn = where;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Upper bound on the recommended parallelism (the operator's max parallelism). */
        public Builder maxParallelism(int maxParallelism) {
            if (maxParallelism < 1) {
                throw new IllegalArgumentException("maxParallelism must be >= 1, got " + maxParallelism);
            }
            this.maxParallelism = maxParallelism;
            return this;
        }

        /**
         * Marks the operator as keyed: the recommendation prefers parallelism values that divide the
         * max parallelism evenly, so key groups spread evenly over subtasks.
         */
        public Builder keyed(boolean keyed) {
            this.keyed = keyed;
            return this;
        }

        /**
         * The task slots the job will run on, instead of detecting them: for clusters whose REST
         * API cannot tell yet (an active resource manager on YARN or Kubernetes starts task
         * managers only for a job), or to tune for the cluster a job will be submitted to later.
         */
        public Builder slots(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slots must be >= 1, got " + slots);
            }
            this.slots = slots;
            return this;
        }

        public FlinkTuneOptions build() {
            return new FlinkTuneOptions(this);
        }
    }
}
