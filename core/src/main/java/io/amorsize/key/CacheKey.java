package io.amorsize.key;

import java.util.Objects;

/**
 * The cache key of one (function, input shape, cluster) combination. It holds only what is known
 * before measuring; the measured profile is the cached value. A store renders it under its own
 * prefix ({@code io.amorsize.cache.EntryFormat#render}); none of its parts can contain {@code ':'}
 * or a glob character, so a rendered key never leaves the store's prefix.
 *
 * @param functionFingerprint see {@link FunctionFingerprint}
 * @param inputBucket         {@link InputShape#bucket()}
 * @param clusterFingerprint  {@link io.amorsize.model.ClusterShape#fingerprint()}
 */
public record CacheKey(String functionFingerprint, String inputBucket, String clusterFingerprint)
        implements java.io.Serializable {

    public CacheKey {
        requireToken("functionFingerprint", functionFingerprint);
        requireToken("inputBucket", inputBucket);
        requireToken("clusterFingerprint", clusterFingerprint);
    }

    public static CacheKey of(String functionFingerprint, InputShape input, io.amorsize.model.ClusterShape cluster) {
        return new CacheKey(functionFingerprint, input.bucket(), cluster.fingerprint());
    }

    private static void requireToken(String name, String v) {
        Objects.requireNonNull(v, name);
        if (v.isEmpty()
                || v.chars().anyMatch(c -> c == ':' || Character.isWhitespace(c) || c == '*' || c == '?' || c == '[')) {
            throw new IllegalArgumentException(
                    name + " must be non-empty without ':', '*', '?', '[' or spaces, got '" + v + "'");
        }
    }
}
