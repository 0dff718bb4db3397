package io.amorsize.spark;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FallbackStore;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RedisStore;
import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.util.List;

/**
 * The driver's recommendation store: Redis with the local file as fallback when
 * {@code spark.amorsize.redis.url} is set, else the local file alone. Opened once per application
 * (by {@link AmorsizePlugin}, or on first use), closed at shutdown. Never used on an executor.
 */
final class Stores {

    private static RecommendationStore current;
    /** The cache options {@link #current} was opened with (in memory only: may hold secrets). */
    private static String openedWith;

    private Stores() {
    }

    /** The store for this driver, opened from {@code settings} on first use. */
    static synchronized RecommendationStore current(Settings settings) {
        String wanted = cacheOptions(settings);
        if (current != null && !wanted.equals(openedWith)) {
            closeApplication(); // another application (or test) with other cache settings
        }
        if (current == null) {
            current = open(CacheConfig.fromSettings(settings));
            openedWith = wanted;
        }
        return current;
    }

    private static String cacheOptions(Settings s) {
        StringBuilder sb = new StringBuilder();
        for (Option<?> o : List.of(Options.REDIS_URL, Options.CACHE_PREFIX, Options.CACHE_TTL, Options.CACHE_DIR,
                Options.CACHE_SECRET, Options.REDIS_CONNECT_TIMEOUT, Options.REDIS_SOCKET_TIMEOUT, Options.REDIS_DEADLINE,
                Options.REDIS_MAX_CONNECTIONS, Options.REDIS_POOL_MAX_WAIT, Options.BREAKER_COOLDOWN,
                Options.REDIS_CLIENT_NAME, Options.REDIS_CA_FILE)) {
            sb.append(o.key()).append('=').append(s.get(o)).append('\n');
        }
        return sb.toString();
    }

    private static RecommendationStore open(CacheConfig config) {
        FileStore file = new FileStore(config.fallbackDir(), config.keyPrefix(), config.ttl(),
                EntryCodec.withSecret(config.hmacSecret()));
        if (!config.redisConfigured()) {
            return file;
        }
        return new FallbackStore(new RedisStore(config), file);
    }

    static synchronized void openForApplication(Settings settings) {
        closeApplication();
        current(settings);
    }

    static synchronized void closeApplication() {
        if (current != null) {
            try {
                current.close();
            } finally {
                current = null;
                openedWith = null;
            }
        }
    }

    static synchronized boolean isOpen() {
        return current != null;
    }

    static synchronized String describe() {
        return current == null ? "(none)" : current.getClass().getSimpleName();
    }
}
