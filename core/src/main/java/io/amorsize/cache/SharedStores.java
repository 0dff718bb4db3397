package io.amorsize.cache;

import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a store is chosen and opened: the process-wide store behind the
 * {@code io.amorsize.Amorsize} facade, and the store an engine adapter uses under its settings.
 *
 * <h2>The process-wide store</h2>
 * Until configured in code ({@link #configure(CacheConfig)}) it is built from the environment
 * ({@code AMORSIZE_*}): {@link FallbackStore}(Redis, file) when a Redis URL is set, the
 * {@link FileStore} alone otherwise.
 *
 * <h2>The store for a job's settings ({@link #forSettings})</h2>
 * Which store follows from where the 16 cache options ({@link #CACHE_OPTIONS}) come from:
 * <ul>
 *   <li>none set by the engine's configuration or per call (only defaults and {@code AMORSIZE_*}
 *       variables): the process-wide store, as configured in code or by the environment;</li>
 *   <li>a Redis URL set there: the process-wide store is configured with those cache options (Redis
 *       with the local file as fallback), once per distinct set of options, and
 *       {@link #closeApplication()} releases it again;</li>
 *   <li>cache options without a Redis URL (e.g. only {@code cache.dir}): a local file store for exactly
 *       those options.</li>
 * </ul>
 * So cache options in the engine's configuration (or per call) win over a configuration made in code,
 * which wins over the environment: when code reconfigures the process-wide store, the next
 * {@link #forSettings} with engine cache options applies them again.
 */
public final class SharedStores {

    /** The options that describe the cache itself. */
    public static final List<Option<?>> CACHE_OPTIONS = List.of(
            Options.REDIS_URL,
            Options.REDIS_USERNAME,
            Options.REDIS_PASSWORD,
            Options.CACHE_PREFIX,
            Options.CACHE_TTL,
            Options.CACHE_DIR,
            Options.CACHE_SECRET,
            Options.CACHE_REQUIRE_SIGNATURE,
            Options.REDIS_CONNECT_TIMEOUT,
            Options.REDIS_SOCKET_TIMEOUT,
            Options.REDIS_DEADLINE,
            Options.REDIS_MAX_CONNECTIONS,
            Options.REDIS_POOL_MAX_WAIT,
            Options.BREAKER_COOLDOWN,
            Options.REDIS_CLIENT_NAME,
            Options.REDIS_CA_FILE);

    /** Log lines keep the facade's logger name. */
    private static final Logger LOG = LoggerFactory.getLogger("io.amorsize.DistributedCache");

    private static final Object LOCK = new Object();
    private static volatile Active active;

    /** The cache options the current per-settings choice was made for (in memory only: may hold secrets). */
    private static String openedWith;
    /** The file store of the current settings' options, or null. */
    private static FileStore ownFile;
    /** The process-wide configuration installed by {@link #forSettings}, to notice a later reconfiguration. */
    private static CacheConfig configured;

    /** The process-wide store and what it was built from. {@code redis} is null for file-only. */
    private record Active(CacheConfig config, RecommendationStore store, RedisStore redis) {}

    private SharedStores() {}

    // ------------------------------------------------------------------ the process-wide store

    /**
     * The process-wide store: {@code FallbackStore(RedisStore, FileStore)} when Redis is configured (in
     * code, or by {@code AMORSIZE_REDIS_URL}), the {@code FileStore} alone otherwise.
     */
    public static RecommendationStore current() {
        return active().store();
    }

    /** The configuration of the process-wide store. */
    public static CacheConfig currentConfig() {
        return active().config();
    }

    private static Active active() {
        Active a = active;
        if (a != null) {
            return a;
        }
        synchronized (LOCK) {
            if (active == null) {
                active = open(environmentConfig());
            }
            return active;
        }
    }

    /** The configuration from the environment; an invalid environment falls back to defaults with a WARN. */
    public static CacheConfig environmentConfig() {
        try {
            return CacheConfig.fromSettings(Settings.fromEnvironment());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "amorsize cache: ignoring the AMORSIZE_* cache environment ({}); using the local file only",
                    e.getMessage());
            return CacheConfig.builder().build();
        }
    }

    private static Active open(CacheConfig cfg) {
        FileStore file = FileStore.forConfig(cfg);
        if (!cfg.redisConfigured()) {
            return new Active(cfg, file, null);
        }
        RedisStore redis = new RedisStore(cfg);
        return new Active(cfg, new FallbackStore(redis, file), redis);
    }

    /** Uses the Redis at {@code redisUrl}, other settings from the environment; true when it answered. */
    public static boolean configure(String redisUrl) {
        if (redisUrl == null) {
            throw new IllegalArgumentException("redisUrl must not be null");
        }
        return configure(environmentConfig().toBuilder().redisUrl(redisUrl).build());
    }

    /**
     * Makes {@code config} (which must name a Redis URL) the process-wide store; logs one line: reachable
     * or not.
     *
     * @return true when Redis answered, false when the local-file fallback is active
     */
    public static boolean configure(CacheConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (!config.redisConfigured()) {
            throw new IllegalArgumentException(
                    "config has no redisUrl; use disableDistributedCache() for the local file only");
        }
        Active next = open(config);
        swap(next);
        boolean reachable = next.redis().ping();
        if (reachable) {
            LOG.info(
                    "amorsize cache: shared cache at {} (keys under {}, TTL {}), local fallback in {}",
                    config.redisUrl().masked(),
                    config.keyPrefix(),
                    config.ttl(),
                    config.fallbackDir());
        } else {
            LOG.warn(
                    "amorsize cache: Redis at {} is unreachable; using the local file in {} until it answers "
                            + "(writes are journaled and replayed)",
                    config.redisUrl().masked(),
                    config.fallbackDir());
        }
        return reachable;
    }

    /** True when the process-wide store has Redis and it answers now. */
    public static boolean isRedisEnabled() {
        Active a = active;
        return a != null && a.redis() != null && a.redis().ping();
    }

    /** Stops using Redis in this JVM; the local file store remains. */
    public static void disable() {
        synchronized (LOCK) {
            CacheConfig base = active == null ? environmentConfig() : active.config();
            CacheConfig fileOnly =
                    base.toBuilder().redisUrl((String) null).tlsCaFile(null).build();
            swap(open(fileOnly));
        }
        LOG.info("amorsize cache: shared cache disabled; using the local file only");
    }

    private static void swap(Active next) {
        Active old;
        synchronized (LOCK) {
            old = active;
            active = next;
        }
        if (old != null) {
            try {
                old.store().close();
            } catch (RuntimeException e) {
                LOG.debug("amorsize cache: error closing the previous store: {}", e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ the store for a job's settings

    /** The store for {@code settings}, opened on first use and reopened when their cache options change. */
    public static RecommendationStore forSettings(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        synchronized (SharedStores.class) {
            String wanted = cacheOptions(settings);
            // Reopen when the options changed, or when someone reconfigured the process-wide store since.
            boolean reconfigured = configured != null && currentConfig() != configured;
            if (!wanted.equals(openedWith) || reconfigured) {
                if (reconfigured) {
                    configured = null; // the process-wide store is someone else's now: don't disable it
                }
                closeApplication(); // first use, or other cache settings
                open(settings);
                openedWith = wanted;
            }
            return ownFile != null ? ownFile : current();
        }
    }

    private static void open(Settings settings) {
        if (CACHE_OPTIONS.stream().noneMatch(o -> isExplicit(settings, o))) {
            return; // the process-wide store, from code or the environment
        }
        CacheConfig config = CacheConfig.fromSettings(settings);
        if (config.redisConfigured()) {
            configure(config); // logs one line: reachable or not
            configured = currentConfig();
        } else {
            ownFile = FileStore.forConfig(config);
        }
    }

    /** Set by the engine's configuration or per call, not a default or an {@code AMORSIZE_*} variable. */
    private static boolean isExplicit(Settings s, Option<?> o) {
        return s.origin(o).explicit();
    }

    private static String cacheOptions(Settings s) {
        StringBuilder sb = new StringBuilder();
        for (Option<?> o : CACHE_OPTIONS) {
            sb.append(o.key())
                    .append('=')
                    .append(s.get(o))
                    .append('@')
                    .append(s.origin(o))
                    .append('\n');
        }
        return sb.toString();
    }

    /** Opens the store for an application now (a driver plugin does, at start-up). */
    public static void openForApplication(Settings settings) {
        synchronized (SharedStores.class) {
            closeApplication();
            forSettings(settings);
        }
    }

    /**
     * Releases what {@link #forSettings} opened: its file store, or the Redis configuration (the
     * process-wide store goes back to the local file only).
     */
    public static void closeApplication() {
        synchronized (SharedStores.class) {
            try {
                if (ownFile != null) {
                    ownFile.close();
                }
                if (configured != null) {
                    disable();
                }
            } finally {
                ownFile = null;
                configured = null;
                openedWith = null;
            }
        }
    }

    /** True while a per-settings choice is open. */
    public static boolean isOpen() {
        synchronized (SharedStores.class) {
            return openedWith != null;
        }
    }

    /** What {@link #forSettings} chose, for a log line: no secrets. */
    public static String describe() {
        synchronized (SharedStores.class) {
            if (openedWith == null) {
                return "(none)";
            }
            return ownFile != null
                    ? "local file"
                    : configured != null ? "Redis with local file fallback" : "process-wide store";
        }
    }
}
