package io.amorsize.cli;

import io.amorsize.cache.RedisUrl;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which store a command talks to, resolved from the global options and the environment.
 *
 * @param redis        the parsed Redis URL (may hold a password), or null for the file store
 * @param urlOrigin    where the URL came from ("--redis-url", "AMORSIZE_REDIS_URL"), for messages
 * @param prefix       key prefix, e.g. "amorsize:"
 * @param cacheDir     directory of the local file store
 * @param secret       HMAC secret, or null
 * @param caFile       PEM CA certificate(s) to trust for rediss://, or null for the JVM's default trust
 */
record Target(RedisUrl redis, String urlOrigin, String prefix, Path cacheDir, String secret, Path caFile) {

    private static final Pattern USERINFO = Pattern.compile("(?i)(rediss?(?:-sentinel|-cluster)?://)(\\S*)@");

    Target {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    boolean isRedis() {
        return redis != null;
    }

    /** A short description for messages: where the data is (password masked). */
    String describe() {
        return isRedis()
                ? "Redis " + redis.masked() + " (prefix '" + prefix + "')"
                : "file store " + cacheDir + " (prefix '" + prefix + "')";
    }

    /**
     * Replaces the user-info part of every Redis URL in {@code text} by "****": everything up to the
     * last '@' before a space, as the URL parser reads it, so a password with '/' or '@' is masked too.
     */
    static String mask(String text) {
        return text == null ? null : USERINFO.matcher(text).replaceAll("$1****@");
    }

    /** Parses a Redis URL; the message never repeats the URL (it may hold a password). */
    static RedisUrl parseRedisUrl(String url, String origin) {
        try {
            return RedisUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(origin + ": " + mask(e.getMessage()));
        }
    }

    /** The same URL with another password (user and everything else kept). */
    static RedisUrl withPassword(RedisUrl u, String password) {
        return new RedisUrl(u.topology(), u.tls(), u.endpoints(), u.user(), password, u.database(), u.masterName());
    }

    @Override
    public String toString() {
        return "Target[" + describe() + ", secret=" + (secret == null ? "none" : "****") + "]";
    }
}
