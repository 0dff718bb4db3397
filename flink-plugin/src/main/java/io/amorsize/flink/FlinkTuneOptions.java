package io.amorsize.flink;

import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
 */
public final class FlinkTuneOptions {

    private static final FlinkTuneOptions DEFAULTS = builder().build();

    private final String functionId;
    private final String functionVersion;
    private final int maxParallelism;
    private final boolean keyed;
    private final int slots;
    private final Map<Option<?>, Object> overrides;

    private FlinkTuneOptions(Builder b) {
        this.functionId = b.functionId;
        this.functionVersion = b.functionVersion;
        this.maxParallelism = b.maxParallelism;
        this.slots = b.slots;
        this.keyed = b.keyed;
        this.overrides = Map.copyOf(b.overrides);
    }

    /** No per-call options. */
    public static FlinkTuneOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Explicit function id, or null to fingerprint the function's code and captured values. */
    public String functionId() {
        return functionId;
    }

    /** Version paired with {@link #functionId()}, or null. */
    public String functionVersion() {
        return functionVersion;
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
        return (Boolean) overrides.get(Options.STRICT);
    }

    /** {@code base} with this call's overrides applied (origin "per-call"). */
    Settings applyTo(Settings base) {
        Settings s = Objects.requireNonNull(base, "base");
        for (Map.Entry<Option<?>, Object> e : overrides.entrySet()) {
            s = with(s, e.getKey(), e.getValue());
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static <T> Settings with(Settings s, Option<T> option, Object value) {
        return s.with(option, (T) value);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FlinkTuneOptions{");
        if (functionId != null) {
            sb.append("functionId=").append(functionId).append('@').append(functionVersion).append(", ");
        }
        sb.append("maxParallelism=").append(maxParallelism).append(", keyed=").append(keyed);
        if (slots > 0) {
            sb.append(", slots=").append(slots);
        }
        for (Map.Entry<Option<?>, Object> e : overrides.entrySet()) {
            sb.append(", ").append(e.getKey().key()).append('=')
                    .append(e.getKey().secret() ? "****" : String.valueOf(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** Builder of {@link FlinkTuneOptions}; every setter validates its argument. */
    public static final class Builder {
        private String functionId;
        private String functionVersion;
        private int maxParallelism;
        private boolean keyed;
        private int slots;
        private final Map<Option<?>, Object> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Identifies the function by a name and version you control instead of its fingerprint.
         * Bump the version whenever the function's cost changes.
         */
        public Builder functionId(String id, String version) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must be non-blank");
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("version must be non-blank");
            }
            this.functionId = id;
            this.functionVersion = version;
            return this;
        }

        /** Throw {@link io.amorsize.AmorsizeException} when tuning fails instead of falling back. */
        public Builder strict(boolean strict) {
            return set(Options.STRICT, strict);
        }

        /** Wall-time budget for drawing the sample (file inputs). */
        public Builder sampleBudget(Duration budget) {
            return set(Options.SAMPLE_BUDGET, requireNonNegative("sampleBudget", budget));
        }

        /** Most records sampled (at least 3). */
        public Builder sampleMaxRecords(int records) {
            if (records < 3) {
                throw new IllegalArgumentException("sampleMaxRecords must be >= 3, got " + records);
            }
            return set(Options.SAMPLE_MAX_RECORDS, records);
        }

        /** Wall-time budget for timing the function, warm-up included. */
        public Builder measureBudget(Duration budget) {
            return set(Options.MEASURE_BUDGET, requireNonNegative("measureBudget", budget));
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
            if (cores < 1 || cores > io.amorsize.model.ClusterShape.MAX_CORES) {
                throw new IllegalArgumentException("cores must be in 1.." + io.amorsize.model.ClusterShape.MAX_CORES
                        + ", got " + cores);
            }
            return set(Options.CLUSTER_CORES, cores);
        }

        /** Any other option, per call. */
        public <T> Builder set(Option<T> option, T value) {
            Objects.requireNonNull(option, "option");
            if (Options.byKey(option.key()) != option) {
                throw new IllegalArgumentException("option is not one of Options.ALL: " + option.key());
            }
            overrides.put(option, Objects.requireNonNull(value, "value"));
            return this;
        }

        public FlinkTuneOptions build() {
            return new FlinkTuneOptions(this);
        }

        private static Duration requireNonNegative(String name, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be a non-negative duration, got " + d);
            }
            return d;
        }
    }
}
