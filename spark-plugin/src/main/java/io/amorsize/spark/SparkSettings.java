package io.amorsize.spark;

import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Resolves Amorsize {@link Settings} for Spark: per-call options &gt; {@code spark.amorsize.*} keys in
 * the SparkConf &gt; environment variables &gt; defaults. Unknown keys under the prefix are rejected
 * with an {@link IllegalArgumentException} naming the key, so typos do not pass silently.
 */
public final class SparkSettings {

    /** Prefix of every Amorsize key in a SparkConf. */
    public static final String PREFIX = "spark.amorsize.";

    private SparkSettings() {}

    /** Settings from {@code conf} and this process's environment. */
    public static Settings fromConf(SparkConf conf) {
        return resolve(conf, System.getenv(), Map.of());
    }

    /**
     * Settings from all layers.
     *
     * @param conf        the application's SparkConf
     * @param environment environment variables (only the options' declared variables are read)
     * @param perCall     per-call overrides keyed without prefix (e.g. {@code strict})
     */
    public static Settings resolve(SparkConf conf, Map<String, String> environment, Map<String, String> perCall) {
        Objects.requireNonNull(conf, "conf");
        return Settings.builder()
                .environment(environment)
                .engine("SparkConf", PREFIX, amorsizeKeys(conf))
                .perCall(perCall)
                .build();
    }

    /** The {@code spark.amorsize.*} entries of {@code conf}. */
    static Map<String, String> amorsizeKeys(SparkConf conf) {
        Map<String, String> out = new HashMap<>();
        for (Tuple2<String, String> kv : conf.getAllWithPrefix(PREFIX)) {
            out.put(PREFIX + kv._1(), kv._2());
        }
        return out;
    }

    /** The Markdown table of all {@code spark.amorsize.*} keys, generated from the option definitions. */
    public static String markdownTable() {
        return Options.markdownTable(PREFIX);
    }
}
