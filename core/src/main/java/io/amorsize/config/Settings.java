package io.amorsize.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Resolved option values. Precedence, highest first: per-call &gt; engine configuration &gt;
 * environment variables &gt; defaults. Immutable; {@link #toString()} masks secrets.
 */
public final class Settings {

    /** The layer a value came from, lowest precedence last. */
    public enum Origin {
        /** Set for one call (a tune-options builder, or {@link Settings#with}). */
        PER_CALL("per-call"),
        /** The engine's configuration (SparkConf, Flink configuration); {@link Settings#originLabel} names it. */
        ENGINE("engine"),
        /** An environment variable. */
        ENVIRONMENT("environment"),
        /** The option's default. */
        DEFAULT("default");

        private final String label;

        Origin(String label) {
            this.label = label;
        }

        /** The text shown in logs: "per-call", "engine", "environment" or "default". */
        public String label() {
            return label;
        }

        /** True for a value given explicitly for this job: per call or in the engine's configuration. */
        public boolean explicit() {
            return this == PER_CALL || this == ENGINE;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final Map<Option<?>, Object> values;
    private final Map<Option<?>, Origin> origins;
    private final String engineName;

    private Settings(Map<Option<?>, Object> values, Map<Option<?>, Origin> origins, String engineName) {
        this.values = values;
        this.origins = origins;
        this.engineName = engineName;
    }

    /** Defaults only. */
    public static Settings defaults() {
        return builder().build();
    }

    /** Defaults overridden by this process's environment variables. */
    public static Settings fromEnvironment() {
        return builder().environment(System.getenv()).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value of {@code option} (its default when unset; may be null for options without one). */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        Objects.requireNonNull(option, "option");
        return values.containsKey(option) ? (T) values.get(option) : option.defaultValue();
    }

    /** The layer the value came from. */
    public Origin origin(Option<?> option) {
        Objects.requireNonNull(option, "option");
        return origins.getOrDefault(option, Origin.DEFAULT);
    }

    /**
     * The origin as shown in logs: "per-call", the engine layer's name (e.g. "SparkConf", "Flink
     * configuration"), "environment" or "default".
     */
    public String originLabel(Option<?> option) {
        Origin o = origin(option);
        return o == Origin.ENGINE ? engineName : o.label();
    }

    /**
     * The values set in any layer, as option text keyed without prefix, for rebuilding equal
     * settings in an engine task with {@code Settings.builder().perCall(map)} (Settings are not
     * serializable). Secret options, paths and the {@code redis.*} options are left out: tasks
     * never connect to a store, and no secret travels to an executor.
     */
    public Map<String, String> portable() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Option<?> o : Options.ALL) {
            Object v = values.get(o);
            if (v == null
                    || o.secret()
                    || v instanceof java.nio.file.Path
                    || o.key().startsWith("redis.")) {
                continue;
            }
            out.put(o.key(), Options.format(v));
        }
        return out;
    }

    /** A copy with one value overridden (per-call). */
    public <T> Settings with(Option<T> option, T value) {
        Map<Option<?>, Object> v = new HashMap<>(values);
        Map<Option<?>, Origin> o = new HashMap<>(origins);
        v.put(option, value);
        o.put(option, Origin.PER_CALL);
        return new Settings(v, o, engineName);
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        for (Option<?> o : Options.ALL) {
            if (values.containsKey(o)) {
                shown.put(o.key(), o.secret() ? "****" : Options.format(values.get(o)));
            }
        }
        return "Settings" + shown;
    }

    /** Layers are applied in the order of precedence, lowest first, regardless of call order. */
    public static final class Builder {
        private Map<String, String> env = Map.of();
        private Map<String, String> engine = Map.of();
        private String engineName = "engine";
        private String enginePrefix = "";
        private Map<String, String> perCall = Map.of();

        /** Environment variables (only the options' declared variables are read). */
        public Builder environment(Map<String, String> environment) {
            this.env = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Engine configuration, keyed with {@code prefix} (e.g. "spark.amorsize."); keys under the
         * prefix that name no option are rejected so that typos do not pass silently.
         */
        public Builder engine(String name, String prefix, Map<String, String> conf) {
            this.engineName = Objects.requireNonNull(name, "name");
            this.enginePrefix = Objects.requireNonNull(prefix, "prefix");
            this.engine = Map.copyOf(Objects.requireNonNull(conf, "conf"));
            return this;
        }

        /** Per-call overrides keyed without prefix (e.g. "strict"). */
        public Builder perCall(Map<String, String> overrides) {
            this.perCall = Map.copyOf(Objects.requireNonNull(overrides, "overrides"));
            return this;
        }

        public Settings build() {
            Map<Option<?>, Object> values = new HashMap<>();
            Map<Option<?>, Origin> origins = new HashMap<>();
            for (Option<?> o : Options.ALL) {
                if (o.envVar() != null) {
                    String t = env.get(o.envVar());
                    if (t != null && !t.isBlank()) {
                        values.put(o, o.parse(t, "environment variable " + o.envVar()));
                        origins.put(o, Origin.ENVIRONMENT);
                    }
                }
            }
            for (Map.Entry<String, String> e : engine.entrySet()) {
                if (!e.getKey().startsWith(enginePrefix)) {
                    continue;
                }
                String key = e.getKey().substring(enginePrefix.length());
                Option<?> o = Options.byKey(key);
                if (o == null) {
                    throw new IllegalArgumentException(engineName + " configuration: unknown option " + e.getKey());
                }
                values.put(o, o.parse(e.getValue(), e.getKey()));
                origins.put(o, Origin.ENGINE);
            }
            for (Map.Entry<String, String> e : perCall.entrySet()) {
                Option<?> o = Options.byKey(e.getKey());
                if (o == null) {
                    throw new IllegalArgumentException("unknown option " + e.getKey());
                }
                values.put(o, o.parse(e.getValue(), e.getKey()));
                origins.put(o, Origin.PER_CALL);
            }
            return new Settings(Map.copyOf(values), Map.copyOf(origins), engineName);
        }
    }
}
