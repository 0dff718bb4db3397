package io.amorsize.cache;

import io.amorsize.key.CacheKey;
import java.util.Objects;

/**
 * The stored form of a key and the version of the stored entries: the one place that turns a
 * {@link CacheKey} into the string a store writes under, {@code <prefix>v<schema>:<function>:<input>:<cluster>},
 * and back. Every store renders with its own prefix, so a caller never handles a rendered key.
 */
public final class EntryFormat {

    /** Bumped whenever the cached entry's format or the key's meaning changes. */
    public static final int SCHEMA_VERSION = 1;

    private static final String VERSION_TAG = "v" + SCHEMA_VERSION + ":";

    private EntryFormat() {}

    /** The key {@code key} is stored under in a store with {@code prefix}. */
    public static String render(String prefix, CacheKey key) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(key, "key");
        return prefix + VERSION_TAG + key.functionFingerprint() + ":" + key.inputBucket() + ":"
                + key.clusterFingerprint();
    }

    /**
     * The key behind an already-rendered one (from SCAN, an export bundle), validated: it must start
     * with {@code prefix} and be a current-schema key.
     *
     * @throws IllegalArgumentException when {@code rendered} is outside the prefix or not a key of this schema
     */
    public static CacheKey parse(String prefix, String rendered) {
        requireInPrefix(prefix, rendered);
        String rest = rendered.substring(prefix.length());
        if (!rest.startsWith(VERSION_TAG)) {
            throw new IllegalArgumentException(
                    "key '" + rendered + "' is not a schema-" + SCHEMA_VERSION + " key under prefix '" + prefix + "'");
        }
        return tokens(rendered, rest.substring(VERSION_TAG.length()));
    }

    /**
     * The key at the end of a rendered key whatever its prefix (the codec checks the stored key
     * against the one it was read under, so the prefix is already known to agree).
     *
     * @throws IllegalArgumentException when {@code rendered} does not end in a current-schema key
     */
    static CacheKey keyOf(String rendered) {
        Objects.requireNonNull(rendered, "rendered");
        int c3 = rendered.lastIndexOf(':');
        int c2 = c3 <= 0 ? -1 : rendered.lastIndexOf(':', c3 - 1);
        int c1 = c2 <= 0 ? -1 : rendered.lastIndexOf(':', c2 - 1);
        if (c1 < 0 || !rendered.startsWith("v" + SCHEMA_VERSION, c1 - VERSION_TAG.length() + 1)) {
            throw new IllegalArgumentException(
                    "key '" + rendered + "' does not end in a schema-" + SCHEMA_VERSION + " key");
        }
        return tokens(rendered, rendered.substring(c1 + 1));
    }

    /** Fails unless {@code rendered} is a key strictly inside {@code prefix}. */
    static void requireInPrefix(String prefix, String rendered) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(rendered, "key");
        if (!rendered.startsWith(prefix) || rendered.length() == prefix.length()) {
            throw new IllegalArgumentException(
                    "key '" + rendered + "' is outside this store's prefix '" + prefix + "'");
        }
    }

    /** A glob pattern scoped to {@code prefix}: one that does not start with it gets it prepended. */
    static String scoped(String prefix, String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return pattern.startsWith(prefix) ? pattern : prefix + pattern;
    }

    private static CacheKey tokens(String rendered, String body) {
        String[] parts = body.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "key '" + rendered + "' is not <function>:<input>:<cluster> after the version");
        }
        return new CacheKey(parts[0], parts[1], parts[2]);
    }
}
