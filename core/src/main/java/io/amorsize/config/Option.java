package io.amorsize.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One typed option. Engines expose it under their own prefix ({@code spark.amorsize.<key>},
 * Flink {@code amorsize.<key>}); some options can also come from an environment variable.
 *
 * @param key          dotted key without engine prefix, e.g. {@code redis.url}
 * @param type         value type (for docs and engine adapters)
 * @param defaultValue default, may be null (= not set)
 * @param description  one sentence for the docs table
 * @param envVar       environment variable, or null
 * @param secret       true for passwords/secrets: never logged or shown
 * @param parser       text → value; throws IllegalArgumentException with a reason on bad text
 */
public record Option<T>(
        String key,
        Class<T> type,
        T defaultValue,
        String description,
        String envVar,
        boolean secret,
        Function<String, T> parser) {

    public Option {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parser, "parser");
    }

    /** Parses {@code text}; the message of a failure names {@code where} (e.g. the full key). */
    public T parse(String text, String where) {
        try {
            return parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            String shown = secret ? "****" : "'" + text + "'";
            throw new IllegalArgumentException(where + ": " + shown + " is not valid: " + e.getMessage(), null);
        }
    }

    /** Default rendered for docs. */
    public String defaultText() {
        if (defaultValue == null) {
            return "(none)";
        }
        if (secret) {
            return "****";
        }
        return Options.format(defaultValue);
    }

    @Override
    public String toString() {
        return "Option{" + key + "}";
    }
}
