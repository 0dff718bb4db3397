package io.amorsize.spark;

import io.amorsize.Amorsize;
import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.util.List;

/**
 * The driver's recommendation store, chosen from the SparkConf's cache options. Never used on an
 * executor.
 *
 * <ul>
 *   <li>No cache option in the SparkConf: {@link Amorsize#currentStore()}, the process-wide store
 *       built from the environment ({@code AMORSIZE_REDIS_URL}, ...).</li>
 *   <li>{@code spark.amorsize.redis.url} set: the process-wide store is configured with the
 *       SparkConf's cache options ({@link Amorsize#configureDistributedCache(CacheConfig)}: Redis
 *       with the local file as fallback) once per application, and released at its end.</li>
 *   <li>Cache options without a Redis URL (e.g. only {@code spark.amorsize.cache.dir}): a local
 *       file store of this application.</li>
 * </ul>
 */
final class Stores {

    private static final List<Option<?>> CACHE_OPTIONS = List.of(Options.REDIS_URL, Options.CACHE_PREFIX,
            Options.CACHE_TTL, Options.CACHE_DIR, Options.CACHE_SECRET, Options.REDIS_CONNECT_TIMEOUT,
            Options.REDIS_SOCKET_TIMEOUT, Options.REDIS_DEADLINE, Options.REDIS_MAX_CONNECTIONS,
            Options.REDIS_POOL_MAX_WAIT, Options.BREAKER_COOLDOWN, Options.REDIS_CLIENT_NAME, Options.REDIS_CA_FILE);

    /** The cache options the current choice was made for (in memory only: may hold secrets). */
    private static String openedWith;
    /** This application's own file store, or null. */
    private static FileStore ownFile;
    /** True when this class configured the process-wide store with Redis. */
    private static boolean configuredRedis;

    private Stores() {
    }

    /** The store for this driver under {@code settings}, opened on first use. */
    static synchronized RecommendationStore current(Settings settings) {
        String wanted = cacheOptions(settings);
        if (!wanted.equals(openedWith)) {
            closeApplication(); // first use, or another application with other cache settings
            open(settings);
            openedWith = wanted;
        }
        return ownFile != null ? ownFile : Amorsize.currentStore();
    }

    private static void open(Settings settings) {
        boolean fromConf = CACHE_OPTIONS.stream().anyMatch(o -> isSet(settings, o));
        if (!fromConf) {
            return; // the process-wide store from the environment
        }
        CacheConfig config = CacheConfig.fromSettings(settings);
        if (config.redisConfigured()) {
            Amorsize.configureDistributedCache(config); // logs one line: reachable or not
            configuredRedis = true;
        } else {
            ownFile = new FileStore(config.fallbackDir(), config.keyPrefix(), config.ttl(),
                    EntryCodec.withSecret(config.hmacSecret()));
        }
    }

    private static boolean isSet(Settings s, Option<?> o) {
        return s.origin(o).explicit();
    }

    private static String cacheOptions(Settings s) {
        StringBuilder sb = new StringBuilder();
        for (Option<?> o : CACHE_OPTIONS) {
            sb.append(o.key()).append('=').append(s.get(o)).append('@').append(s.origin(o)).append('\n');
        }
        return sb.toString();
    }

    /** Opens the store for an application now (the plugin does, at start-up). */
    static synchronized void openForApplication(Settings settings) {
        closeApplication();
        current(settings);
    }

    /** Releases what this application opened: its file store, or the Redis configuration. */
    static synchronized void closeApplication() {
        try {
            if (ownFile != null) {
                ownFile.close();
            }
            if (configuredRedis) {
                Amorsize.disableDistributedCache();
            }
        } finally {
            ownFile = null;
            configuredRedis = false;
            openedWith = null;
        }
    }

    static synchronized boolean isOpen() {
        return openedWith != null;
    }

    static synchronized String describe() {
        if (openedWith == null) {
            return "(none)";
        }
        return ownFile != null ? "local file" : configuredRedis ? "Redis with local file fallback" : "process-wide store";
    }
}
