package io.amorsize.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which shared cache a local file and journal belong to: a short hash of (Redis endpoints, database,
 * Sentinel master, key prefix, secret id). The local file and the journal are named after it, so two
 * applications of one user that share a cache directory but write to different Redis servers,
 * prefixes or secrets never read, replay or delete each other's lines. The secret itself never
 * appears: only a hash of a hash of it is part of the name.
 */
public final class CacheTarget {

    /** Target of a store without Redis (endpoints "none"). */
    static final String NO_REDIS = "none";

    private CacheTarget() {}

    /**
     * The target id: 16 hex digits.
     *
     * @param redisOrNull the Redis URL, or null for a file-only store
     * @param prefix      key prefix
     * @param secretId    {@link #secretId(byte[])} of the HMAC secret
     */
    public static String id(RedisUrl redisOrNull, String prefix, String secretId) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(secretId, "secretId");
        StringBuilder sb = new StringBuilder("amorsize-target/1\n");
        if (redisOrNull == null) {
            sb.append("endpoints=").append(NO_REDIS).append('\n');
        } else {
            sb.append("endpoints=")
                    .append(redisOrNull.endpoints().stream()
                            .map(RedisUrl.Endpoint::toString)
                            .sorted()
                            .reduce((a, b) -> a + "," + b)
                            .orElse(""))
                    .append('\n');
            sb.append("db=").append(redisOrNull.database()).append('\n');
            sb.append("master=")
                    .append(redisOrNull.masterName() == null ? "" : redisOrNull.masterName())
                    .append('\n');
        }
        sb.append("prefix=").append(prefix).append('\n');
        sb.append("secret=").append(secretId).append('\n');
        return HexFormat.of().formatHex(sha256(sb.toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** An id of the HMAC secret that does not reveal it: {@code none}, or 16 hex digits of its SHA-256. */
    public static String secretId(byte[] secretOrNull) {
        if (secretOrNull == null || secretOrNull.length == 0) {
            return "none";
        }
        return HexFormat.of().formatHex(sha256(secretOrNull), 0, 8);
    }

    /** {@link #secretId(byte[])} of a UTF-8 text secret. */
    public static String secretId(String secretOrNull) {
        return secretId(secretOrNull == null ? null : secretOrNull.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
