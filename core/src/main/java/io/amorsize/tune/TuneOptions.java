package io.amorsize.tune;

import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.model.ClusterShape;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The per-call options every engine shares: the function's identity, strict mode and any
 * {@link Options option} set for one call. Engine builders ({@code SparkTuneOptions},
 * {@code FlinkTuneOptions}) compose it, so the same option has the same name and the same
 * validation everywhere. Immutable; build with {@link #builder()}.
 *
 * <p><b>Validation</b>: every setter throws {@link IllegalArgumentException} naming the argument
 * for a bad value, a null one included (never a {@code NullPointerException}), at the call that
 * sets it, not later when tuning.
 */
public final class TuneOptions {

    private static final TuneOptions DEFAULTS = builder().build();

    private final String functionId;
    private final String functionVersion;
    private final Map<Option<?>, Object> overrides;

    private TuneOptions(Builder b) {
        this.functionId = b.functionId;
        this.functionVersion = b.functionVersion;
        this.overrides = Map.copyOf(b.overrides);
    }

    /** No per-call options. */
    public static TuneOptions defaults() {
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

    /** Whether strict mode was set per call (null = not set here). */
    public Boolean strict() {
        return (Boolean) overrides.get(Options.STRICT);
    }

    /** The per-call value of {@code option}, or null when not set here. */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        return (T) overrides.get(Objects.requireNonNull(option, "option"));
    }

    /** The per-call values, keyed by option (unmodifiable). */
    public Map<Option<?>, Object> overrides() {
        return overrides;
    }

    /**
     * The per-call values as text keyed by option key without prefix (e.g. {@code strict}), for
     * {@link Settings.Builder#perCall(Map)}: each text parses back to the same value.
     */
    public Map<String, String> perCallOverrides() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<Option<?>, Object> e : overrides.entrySet()) {
            m.put(e.getKey().key(), text(e.getValue()));
        }
        return m;
    }

    /** A value as text its option parses back to the same value. */
    private static String text(Object v) {
        return v instanceof Duration d
                ? java.math.BigDecimal.valueOf(d.toNanos(), 6)
                                .stripTrailingZeros()
                                .toPlainString() + "ms"
                : String.valueOf(v);
    }

    /**
     * The function's cache identity: {@link FunctionFingerprint#of(String, String)} of the explicit
     * id and version when given, else {@link FunctionFingerprint#of(Object)} of {@code fn}.
     */
    public String fingerprint(Object fn) {
        return functionId != null ? FunctionFingerprint.of(functionId, functionVersion) : FunctionFingerprint.of(fn);
    }

    /** {@code base} with this call's values applied (origin {@link Settings.Origin#PER_CALL}). */
    public Settings applyTo(Settings base) {
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

    /** The fields for an engine builder's {@code toString()}: secrets masked. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (functionId != null) {
            sb.append("functionId=").append(functionId).append('@').append(functionVersion);
        }
        for (Map.Entry<Option<?>, Object> e : overrides.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey().key()).append('=').append(e.getKey().secret() ? "****" : String.valueOf(e.getValue()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "TuneOptions{" + describe() + "}";
    }

    /**
     * The base of every engine's options builder ({@code SparkTuneOptions.Builder},
     * {@code FlinkTuneOptions.Builder}): the options all engines share, with the same names and the
     * same validation, written once. {@code B} is the engine's builder, so a chain of shared and
     * engine-specific setters keeps its type.
     */
    public abstract static class EngineBuilder<B extends EngineBuilder<B>> {
        private final Builder common = builder();

        protected EngineBuilder() {}

        /** This builder, typed as the engine's. */
        protected abstract B self();

        /** The shared options set so far. */
        public final TuneOptions common() {
            return common.build();
        }

        /**
         * Identifies the function by a stable id and version instead of fingerprinting its code:
         * use it when the function's class changes between builds but its cost does not (or to
         * force a re-measurement by bumping the version).
         */
        public B function(String id, String version) {
            common.function(id, version);
            return self();
        }

        /** The same as {@link #function(String, String)}. */
        public B functionId(String id, String version) {
            return function(id, version);
        }

        /** Throw {@link io.amorsize.AmorsizeException} when tuning fails instead of falling back. */
        public B strict(boolean strict) {
            common.strict(strict);
            return self();
        }

        /** Wall-time budget for drawing the sample (at least 1 ms). */
        public B sampleBudget(Duration budget) {
            common.sampleBudget(budget);
            return self();
        }

        /** Most records sampled (at least 3). */
        public B sampleMaxRecords(int records) {
            common.sampleMaxRecords(records);
            return self();
        }

        /** Wall-time budget for timing the function, warm-up included (at least 1 ms). */
        public B measureBudget(Duration budget) {
            common.measureBudget(budget);
            return self();
        }

        /**
         * The CPU cores the job's tasks share, instead of detecting them ({@link Options#CLUSTER_CORES}
         * per call): CPU-bound work gains from at most min(slots, cores) tasks.
         */
        public B cores(int cores) {
            common.cores(cores);
            return self();
        }

        /** Any other option of {@link Options#ALL}, per call; see {@link Builder#set}. */
        public <T> B set(Option<T> option, T value) {
            common.set(option, value);
            return self();
        }
    }

    /** Builder of {@link TuneOptions}; every setter validates its argument (IllegalArgumentException). */
    public static final class Builder {
        private String functionId;
        private String functionVersion;
        private final Map<Option<?>, Object> overrides = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Identifies the function by a stable id and version instead of fingerprinting its code:
         * use it when the function's class changes between builds but its cost does not (or to
         * force a re-measurement by bumping the version).
         */
        public Builder function(String id, String version) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id must not be blank, got " + quoted(id));
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("version must not be blank, got " + quoted(version));
            }
            this.functionId = id;
            this.functionVersion = version;
            return this;
        }

        /** Throw {@link io.amorsize.AmorsizeException} when tuning fails instead of falling back. */
        public Builder strict(boolean strict) {
            return set(Options.STRICT, strict);
        }

        /** Wall-time budget for drawing the sample (at least 1 ms). */
        public Builder sampleBudget(Duration budget) {
            return set(Options.SAMPLE_BUDGET, requireBudget(budget));
        }

        /** Most records sampled (at least 3). */
        public Builder sampleMaxRecords(int records) {
            if (records < 3) {
                throw new IllegalArgumentException("sampleMaxRecords must be >= 3, got " + records);
            }
            return set(Options.SAMPLE_MAX_RECORDS, records);
        }

        /** Wall-time budget for timing the function, warm-up included (at least 1 ms). */
        public Builder measureBudget(Duration budget) {
            return set(Options.MEASURE_BUDGET, requireBudget(budget));
        }

        /**
         * The CPU cores the job's tasks share, instead of detecting them ({@link Options#CLUSTER_CORES}
         * per call): CPU-bound work gains from at most min(slots, cores) tasks.
         */
        public Builder cores(int cores) {
            if (cores < 1 || cores > ClusterShape.MAX_CORES) {
                throw new IllegalArgumentException("cores must be in 1.." + ClusterShape.MAX_CORES + ", got " + cores);
            }
            return set(Options.CLUSTER_CORES, cores);
        }

        /**
         * Any option of {@link Options#ALL}, per call. The value passes the same check as the
         * option's text in an engine configuration (e.g. {@code sample.partitions >= 1}); the
         * message names the option's key.
         */
        public <T> Builder set(Option<T> option, T value) {
            if (option == null) {
                throw new IllegalArgumentException("option must not be null");
            }
            if (Options.byKey(option.key()) != option) {
                throw new IllegalArgumentException("option is not one of Options.ALL: " + option.key());
            }
            if (value == null) {
                throw new IllegalArgumentException("value of " + option.key() + " must not be null");
            }
            if (!option.type().isInstance(value)) {
                throw new IllegalArgumentException("value of " + option.key() + " must be a "
                        + option.type().getSimpleName() + ", got "
                        + value.getClass().getSimpleName());
            }
            option.parse(text(value), option.key()); // the configuration's own bounds, one rule for both
            overrides.put(option, value);
            return this;
        }

        public TuneOptions build() {
            return new TuneOptions(this);
        }

        private static Duration requireBudget(Duration budget) {
            if (budget == null || budget.toMillis() < 1) {
                throw new IllegalArgumentException("budget must be at least 1 ms, got " + budget);
            }
            return budget;
        }

        private static String quoted(String s) {
            return s == null ? "null" : "'" + s + "'";
        }
    }
}
