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

    private final Map<Option<?>, Object> values;
    private final Map<Option<?>, String> origins;

    private Settings(Map<Option<?>, Object> values, Map<Option<?>, String> origins) {
        this.values = values;
        this.origins = origins;
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

    /** Where the value came from: "per-call", the engine layer's name, "environment" or "default". */
    public String origin(Option<?> option) {
        return origins.getOrDefault(option, "default");
    }

    /** A copy with one value overridden (per-call). */
    public <T> Settings with(Option<T> option, T value) {
        Map<Option<?>, Object> v = new HashMap<>(values);
        Map<Option<?>, String> o = new HashMap<>(origins);
        v.put(option, value);
        o.put(option, "per-call");
        return new Settings(v, o);
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
            Map<Option<?>, String> origins = new HashMap<>();
            for (Option<?> o : Options.ALL) {
                if (o.envVar() != null) {
                    String t = env.get(o.envVar());
                    if (t != null && !t.isBlank()) {
                        values.put(o, o.parse(t, "environment variable " + o.envVar()));
                        origins.put(o, "environment");
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
                origins.put(o, engineName);
            }
            for (Map.Entry<String, String> e : perCall.entrySet()) {
                Option<?> o = Options.byKey(e.getKey());
                if (o == null) {
                    throw new IllegalArgumentException("unknown option " + e.getKey());
                }
                values.put(o, o.parse(e.getValue(), e.getKey()));
                origins.put(o, "per-call");
            }
            return new Settings(Map.copyOf(values), Map.copyOf(origins));
        }
    }
}
