package io.amorsize.flink;

import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

/**
 * Amorsize's options as Flink {@link ConfigOption}s under {@code amorsize.*}, generated from
 * {@link Options#ALL} so that the keys, defaults and descriptions are defined once.
 *
 * <p>Set them in the Flink configuration ({@code config.yaml}, or the {@code Configuration} given to
 * the execution environment):
 * <pre>{@code
 * Configuration conf = new Configuration();
 * conf.set(AmorsizeOptions.STRICT, true);
 * conf.setString("amorsize.redis.url", "redis://cache:6379");
 * }</pre>
 * Values keep the meanings (and the text syntax) of the Spark keys {@code spark.amorsize.*}.
 * Precedence, highest first: per-call {@link FlinkTuneOptions} &gt; Flink configuration &gt;
 * environment variables &gt; defaults. An unknown key under {@code amorsize.} is an error (a typo must
 * not pass silently).
 */
public final class AmorsizeOptions {

    /** Key prefix of every Amorsize option in a Flink configuration. */
    public static final String PREFIX = "amorsize.";

    /** Name of the configuration layer in {@link Settings#originLabel(Option)}. */
    static final String LAYER = "Flink configuration";

    private static final Map<Option<?>, ConfigOption<?>> BY_OPTION;

    /** Every option, in {@link Options#ALL} order. */
    public static final List<ConfigOption<?>> ALL;

    static {
        Map<Option<?>, ConfigOption<?>> map = new LinkedHashMap<>();
        for (Option<?> o : Options.ALL) {
            map.put(o, toFlink(o));
        }
        BY_OPTION = Collections.unmodifiableMap(map);
        ALL = List.copyOf(map.values());
    }

    /** {@code amorsize.enabled}: turn tuning on or off. */
    public static final ConfigOption<Boolean> ENABLED = typed(Options.ENABLED, Boolean.class);
    /** {@code amorsize.strict}: throw instead of falling back. */
    public static final ConfigOption<Boolean> STRICT = typed(Options.STRICT, Boolean.class);
    /**
     * {@code amorsize.redis.url}: the shared cache (secret: never logged by Amorsize; Flink does not
     * treat the key as sensitive, so put the password in {@link #REDIS_PASSWORD}).
     */
    public static final ConfigOption<String> REDIS_URL = typed(Options.REDIS_URL, String.class);
    /** {@code amorsize.redis.password}: the Redis password; a key Flink hides as sensitive. */
    public static final ConfigOption<String> REDIS_PASSWORD = typed(Options.REDIS_PASSWORD, String.class);
    /** {@code amorsize.cache.dir}: directory of the local fallback file. */
    public static final ConfigOption<String> CACHE_DIR = typed(Options.CACHE_DIR, String.class);
    /** {@code amorsize.cluster.cores}: CPU cores the tasks share, 0 = detect. */
    public static final ConfigOption<Integer> CLUSTER_CORES = typed(Options.CLUSTER_CORES, Integer.class);

    private AmorsizeOptions() {}

    /** The Flink option for a core option (same key under {@link #PREFIX}). */
    public static ConfigOption<?> of(Option<?> option) {
        ConfigOption<?> o = BY_OPTION.get(Objects.requireNonNull(option, "option"));
        if (o == null) {
            throw new IllegalArgumentException("option is not one of Options.ALL: " + option.key());
        }
        return o;
    }

    /** Markdown table of the {@code amorsize.*} options (the docs table; a test keeps it in sync). */
    public static String markdownTable() {
        return Options.markdownTable(PREFIX);
    }

    /**
     * Resolves settings from a Flink configuration and environment variables (no per-call layer).
     *
     * @throws IllegalArgumentException naming the key when a value is invalid or a key is unknown
     */
    public static Settings settings(ReadableConfig configuration, Map<String, String> environment) {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(environment, "environment");
        return Settings.builder()
                .environment(environment)
                .engine(LAYER, PREFIX, amorsizeEntries(configuration))
                .build();
    }

    /**
     * The {@code amorsize.*} entries of a configuration as text. Durations written by
     * {@code Configuration#set} in Flink's own syntax that core does not read (e.g. "500 us") are
     * converted; everything else is passed as written, so one parser judges every layer.
     */
    static Map<String, String> amorsizeEntries(ReadableConfig configuration) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : configuration.toMap().entrySet()) {
            if (e.getKey() == null || !e.getKey().startsWith(PREFIX) || e.getValue() == null) {
                continue;
            }
            String value = e.getValue();
            Option<?> o = Options.byKey(e.getKey().substring(PREFIX.length()));
            if (o != null && o.type() == Duration.class) {
                value = normaliseDuration(value);
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    private static String normaliseDuration(String text) {
        try {
            Options.parseDuration(text);
            return text;
        } catch (IllegalArgumentException coreRejects) {
            try {
                Duration d = TimeUtils.parseDuration(text);
                return BigDecimal.valueOf(d.toNanos()).movePointLeft(6).toPlainString() + "ms";
            } catch (RuntimeException flinkRejects) {
                return text; // core's parser reports it with the key's name
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> ConfigOption<T> typed(Option<?> option, Class<T> type) {
        ConfigOption<?> o = of(option);
        return (ConfigOption<T>) o;
    }

    private static ConfigOption<?> toFlink(Option<?> o) {
        ConfigOptions.OptionBuilder b = ConfigOptions.key(PREFIX + o.key());
        String description = o.description()
                + (o.envVar() == null ? "" : " Environment variable: " + o.envVar() + ".")
                + (o.secret() ? " Secret: never logged." : "");
        Object def = o.defaultValue();
        ConfigOption<?> built;
        if (o.type() == Boolean.class) {
            built = def == null
                    ? b.booleanType().noDefaultValue()
                    : b.booleanType().defaultValue((Boolean) def);
        } else if (o.type() == Integer.class) {
            built = def == null ? b.intType().noDefaultValue() : b.intType().defaultValue((Integer) def);
        } else if (o.type() == Double.class) {
            built = def == null
                    ? b.doubleType().noDefaultValue()
                    : b.doubleType().defaultValue((Double) def);
        } else if (o.type() == Duration.class) {
            built = def == null
                    ? b.durationType().noDefaultValue()
                    : b.durationType().defaultValue((Duration) def);
        } else if (o.type() == String.class || o.type() == Path.class) {
            built = def == null
                    ? b.stringType().noDefaultValue()
                    : b.stringType().defaultValue(def.toString());
        } else {
            throw new IllegalStateException("no Flink type for option " + o.key() + " of " + o.type());
        }
        return built.withDescription(description);
    }
}
