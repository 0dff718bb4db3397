package io.amorsize.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which store a command talks to, resolved from the global options and the environment.
 *
 * @param redisUrl     redis:// or rediss:// URL (may hold a password), or null for the file store
 * @param urlOrigin    where the URL came from ("--redis-url", "AMORSIZE_REDIS_URL"), for messages
 * @param prefix       key prefix, e.g. "amorsize:"
 * @param cacheDir     directory of the local file store
 * @param secret       HMAC secret, or null
 * @param caFile       PEM CA certificate(s) to trust for rediss://, or null for the JVM's default trust
 */
record Target(String redisUrl, String urlOrigin, String prefix, Path cacheDir, String secret, Path caFile) {

    private static final Pattern USERINFO = Pattern.compile("(?i)(rediss?://)([^/@\\s]*)@");

    Target {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    boolean redis() {
        return redisUrl != null;
    }

    /** The URL with user info replaced by "****", safe to print. */
    String maskedUrl() {
        return redisUrl == null ? "(none)" : mask(redisUrl);
    }

    /** A short description for messages: where the data is. */
    String describe() {
        return redis() ? "Redis " + maskedUrl() + " (prefix '" + prefix + "')"
                : "file store " + cacheDir + " (prefix '" + prefix + "')";
    }

    /** Replaces the user-info part of every redis[s]:// URL in {@code text} by "****". */
    static String mask(String text) {
        return text == null ? null : USERINFO.matcher(text).replaceAll("$1****@");
    }

    /** Parses and checks a Redis URL; the message never repeats the URL (it may hold a password). */
    static URI parseRedisUrl(String url, String origin) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw CliException.usage(origin + " is not a valid URL (expected redis://host:port or rediss://host:port)");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("redis") || scheme.equalsIgnoreCase("rediss"))) {
            throw CliException.usage(origin + " must start with redis:// or rediss://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw CliException.usage(origin + " has no host (expected redis://host:port)");
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
            throw CliException.usage(origin + " has a bad database number (expected /0 .. /15)");
        }
        return uri;
    }

    /** True when the URL's user info holds a password ({@code user:pass@} or {@code :pass@}). */
    static boolean hasPassword(URI uri) {
        String ui = uri.getRawUserInfo();
        if (ui == null) {
            return false;
        }
        int colon = ui.indexOf(':');
        return colon >= 0 ? colon < ui.length() - 1 : !ui.isEmpty();
    }

    @Override
    public String toString() {
        return "Target[" + describe() + ", secret=" + (secret == null ? "none" : "****") + "]";
    }
}
