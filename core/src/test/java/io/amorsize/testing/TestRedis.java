package io.amorsize.testing;

import java.util.UUID;

/**
 * A Redis server a test may use (non-destructively: unique key prefixes, never FLUSH*).
 *
 * @param url    {@code redis://...} URL, possibly with credentials
 * @param origin how it was obtained: "AMORSIZE_TEST_REDIS_URL", "redis-server", "testcontainers"
 */
public record TestRedis(String url, String origin) {

    /** A key prefix no other test (or test run) uses: {@code amorsize-test:<name>:<random>:}. */
    public static String uniquePrefix(String name) {
        return "amorsize-test:" + name + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }
}
