package io.amorsize.flink;

import io.amorsize.config.Option;
import io.amorsize.config.Settings;
import io.amorsize.tune.TuneOptions;
import java.time.Duration;

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
public final class FlinkTuneOptions {

    private static final FlinkTuneOptions DEFAULTS = builder().build();

    private final TuneOptions common;
    private final int maxParallelism;
    private final boolean keyed;
    private final int slots;
    private final MeasureOn measureOn;

    private FlinkTuneOptions(Builder b) {
        this.measureOn = b.measureOn;
        this.common = b.common.build();
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

    /** The options every engine shares. */
    public TuneOptions common() {
        return common;
    }

    /** Where the function is measured on a cache miss ({@link MeasureOn#AUTO} unless set). */
    public MeasureOn measureOn() {
        return measureOn;
    }

    /** Explicit function id, or null to fingerprint the function's code and captured values. */
    public String functionId() {
        return common.functionId();
    }

    /** Version paired with {@link #functionId()}, or null. */
    public String functionVersion() {
        return common.functionVersion();
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

    /** Whether strict mode was set per call (null = not set here). */
    public Boolean strict() {
        return common.strict();
    }

    /** {@code base} with this call's overrides applied (origin per-call). */
    Settings applyTo(Settings base) {
        return common.applyTo(base);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FlinkTuneOptions{");
        if (common.functionId() != null) {
            sb.append("functionId=").append(common.functionId()).append('@').append(common.functionVersion())
                    .append(", ");
        }
        sb.append("maxParallelism=").append(maxParallelism).append(", keyed=").append(keyed);
        if (slots > 0) {
            sb.append(", slots=").append(slots);
        }
        if (measureOn != MeasureOn.AUTO) {
            sb.append(", measureOn=").append(measureOn);
        }
        for (var e : common.overrides().entrySet()) {
            sb.append(", ").append(e.getKey().key()).append('=')
                    .append(e.getKey().secret() ? "****" : String.valueOf(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** Builder of {@link FlinkTuneOptions}; every setter validates its argument. */
    public static final class Builder {
        private final TuneOptions.Builder common = TuneOptions.builder();
        private int maxParallelism;
        private boolean keyed;
        private int slots;
        private MeasureOn measureOn = MeasureOn.AUTO;

        private Builder() {
        }

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

        /**
         * Identifies the function by a name and version you control instead of its fingerprint.
         * Bump the version whenever the function's cost changes.
         */
        public Builder functionId(String id, String version) {
            common.function(id, version);
            return this;
        }

        /** The same as {@link #functionId(String, String)}, under the name {@code SparkTuneOptions} uses. */
        public Builder function(String id, String version) {
            return functionId(id, version);
        }

        /** Throw {@link io.amorsize.AmorsizeException} when tuning fails instead of falling back. */
        public Builder strict(boolean strict) {
            common.strict(strict);
            return this;
        }

        /** Wall-time budget for drawing the sample (file inputs; at least 1 ms). */
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

        /**
         * The CPU cores the job's tasks share, instead of detecting them ({@code amorsize.cluster.cores}
         * per call): CPU-bound work gains from at most min(slots, cores) subtasks.
         */
        public Builder cores(int cores) {
            common.cores(cores);
            return this;
        }

        /** Any other option of {@link io.amorsize.config.Options#ALL}, per call. */
        public <T> Builder set(Option<T> option, T value) {
            common.set(option, value);
            return this;
        }

        public FlinkTuneOptions build() {
            return new FlinkTuneOptions(this);
        }
    }
}
