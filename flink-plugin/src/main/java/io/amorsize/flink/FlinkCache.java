package io.amorsize.flink;

import io.amorsize.Amorsize;
import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.util.List;
import java.util.Objects;

/**
 * The recommendation store of the Flink client. Redis is only ever opened here, in the JVM that
 * builds the job; nothing of it is shipped to task managers.
 *
 * <ul>
 *   <li>No cache option in the Flink configuration or per call: the process-wide store of
 *       {@link Amorsize#currentStore()} (configured in code or by {@code AMORSIZE_*} variables).</li>
 *   <li>Cache options given there with {@code amorsize.redis.url}: the {@link Amorsize} facade is
 *       configured with them (once per distinct configuration), so the whole client shares it.</li>
 *   <li>Cache options without a Redis URL (e.g. only {@code amorsize.cache.dir}): a local file store
 *       for exactly those options.</li>
 * </ul>
 */
final class FlinkCache {

    /** The options that describe the cache itself. */
    static final List<Option<?>> CACHE_OPTIONS = List.of(Options.REDIS_URL, Options.CACHE_PREFIX, Options.CACHE_TTL,
            Options.CACHE_DIR, Options.CACHE_SECRET, Options.REDIS_CONNECT_TIMEOUT, Options.REDIS_SOCKET_TIMEOUT,
            Options.REDIS_DEADLINE, Options.REDIS_MAX_CONNECTIONS, Options.REDIS_POOL_MAX_WAIT,
            Options.BREAKER_COOLDOWN, Options.REDIS_CLIENT_NAME, Options.REDIS_CA_FILE);

    /** A store and the settings to tune with (their key prefix is the store's). */
    record Cache(RecommendationStore store, Settings settings) {
    }

    private static final Object LOCK = new Object();
    /** Cache options last applied from a Flink configuration (held in memory only, never logged). */
    private static List<Object> applied;
    private static RecommendationStore ownFileStore;
    /** The facade configuration this class installed, to notice a later reconfiguration. */
    private static CacheConfig configured;

    private FlinkCache() {
    }

    static Cache forSettings(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        if (CACHE_OPTIONS.stream().noneMatch(o -> fromFlinkOrCall(settings, o))) {
            CacheConfig facade = Amorsize.currentCacheConfig();
            return new Cache(Amorsize.currentStore(), settings.with(Options.CACHE_PREFIX, facade.keyPrefix()));
        }
        CacheConfig cfg = CacheConfig.fromSettings(settings);
        List<Object> values = CACHE_OPTIONS.stream().map(o -> (Object) String.valueOf(settings.get(o))).toList();
        synchronized (LOCK) {
            // Re-apply when the options changed, or when someone reconfigured the facade since.
            boolean facadeChanged = configured != null && Amorsize.currentCacheConfig() != configured;
            if (!values.equals(applied) || facadeChanged) {
                RecommendationStore previousOwn = ownFileStore;
                ownFileStore = null;
                configured = null;
                if (cfg.redisConfigured()) {
                    Amorsize.configureDistributedCache(cfg);
                    configured = Amorsize.currentCacheConfig();
                } else {
                    ownFileStore = new FileStore(cfg.fallbackDir(), cfg.keyPrefix(), cfg.ttl(),
                            EntryCodec.withSecret(cfg.hmacSecret()));
                }
                if (previousOwn != null) {
                    previousOwn.close();
                }
                applied = values;
            }
            RecommendationStore store = ownFileStore != null ? ownFileStore : Amorsize.currentStore();
            return new Cache(store, settings.with(Options.CACHE_PREFIX, cfg.keyPrefix()));
        }
    }

    private static boolean fromFlinkOrCall(Settings settings, Option<?> option) {
        return settings.origin(option).explicit();
    }
}
