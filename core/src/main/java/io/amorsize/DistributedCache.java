package io.amorsize;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FallbackStore;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RedisStore;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.model.ClusterShape;
import io.amorsize.key.CacheKey;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.recommend.Optimizer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide cache behind the {@link Amorsize} facade: which store the engine adapters use, and
 * its (re)configuration. Until configured in code it is built from the environment
 * ({@code AMORSIZE_*}): {@link FallbackStore}(Redis, file) when a Redis URL is set, the
 * {@link FileStore} alone otherwise.
 */
final class DistributedCache {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedCache.class);
    private static final Object LOCK = new Object();
    private static volatile Active active;

    /** The store in use and what it was built from. {@code redis} is null for file-only. */
    record Active(CacheConfig config, RecommendationStore store, RedisStore redis) {
    }

    private DistributedCache() {
    }

    static Active active() {
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
    static CacheConfig environmentConfig() {
        try {
            return CacheConfig.fromSettings(Settings.fromEnvironment());
        } catch (IllegalArgumentException e) {
            LOG.warn("amorsize cache: ignoring the AMORSIZE_* cache environment ({}); using the local file only",
                    e.getMessage());
            return CacheConfig.builder().build();
        }
    }

    private static Active open(CacheConfig cfg) {
        EntryCodec codec = EntryCodec.withSecret(cfg.hmacSecret());
        FileStore file = new FileStore(cfg.fallbackDir(), cfg.keyPrefix(), cfg.ttl(), codec);
        if (!cfg.redisConfigured()) {
            return new Active(cfg, file, null);
        }
        RedisStore redis = new RedisStore(cfg);
        return new Active(cfg, new FallbackStore(redis, file), redis);
    }

    static boolean configure(String redisUrl) {
        if (redisUrl == null) {
            throw new IllegalArgumentException("redisUrl must not be null");
        }
        return configure(environmentConfig().toBuilder().redisUrl(redisUrl).build());
    }

    static boolean configure(CacheConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (!config.redisConfigured()) {
            throw new IllegalArgumentException("config has no redisUrl; use disableDistributedCache() for the local file only");
        }
        Active next = open(config);
        swap(next);
        boolean reachable = next.redis().ping();
        if (reachable) {
            LOG.info("amorsize cache: shared cache at {} (keys under {}, TTL {}), local fallback in {}",
                    config.redisUrl().masked(), config.keyPrefix(), config.ttl(), config.fallbackDir());
        } else {
            LOG.warn("amorsize cache: Redis at {} is unreachable; using the local file in {} until it answers "
                    + "(writes are journaled and replayed)", config.redisUrl().masked(), config.fallbackDir());
        }
        return reachable;
    }

    static boolean isEnabled() {
        Active a = active;
        return a != null && a.redis() != null && a.redis().ping();
    }

    static void disable() {
        synchronized (LOCK) {
            CacheConfig base = active == null ? environmentConfig() : active.config();
            CacheConfig fileOnly = base.toBuilder().redisUrl((String) null).tlsCaFile(null).build();
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

    static int prewarm(Object fn, List<WorkloadSpec> specs) {
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        if (specs == null) {
            throw new IllegalArgumentException("specs must not be null");
        }
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i) == null) {
                throw new IllegalArgumentException("specs[" + i + "] must not be null");
            }
        }
        String fingerprint = FunctionFingerprint.of(fn);
        Active a = active();
        Settings settings = settings(a.config());
        Optimizer optimizer = new Optimizer(settings);
        int stored = 0;
        for (WorkloadSpec spec : specs) {
            ClusterShape cluster = spec.cluster() != null ? spec.cluster() : Amorsize.localCluster();
            String key = CacheKey.of(fingerprint, spec.input(), cluster).render(a.config().keyPrefix());
            Recommendation r = optimizer.optimize(spec.profile(), spec.workload(), cluster);
            CacheEntry entry = new CacheEntry(CacheKey.SCHEMA_VERSION, key, spec.profile(), cluster, spec.workload(),
                    r.partitions(), r.batchSize(), r.action(), System.currentTimeMillis());
            a.store().put(key, entry);
            stored++;
            LOG.info("amorsize cache: prewarmed {} ({} records, {} ns/record on {}: {} partitions, batch {})", key,
                    spec.records(), Math.round(spec.nanosPerRecord()), cluster.fingerprint(), r.partitions(), r.batchSize());
        }
        return stored;
    }

    /** Environment settings with the prefix of the store in use, so keys agree with the store. */
    static Settings settings(CacheConfig config) {
        Settings s;
        try {
            s = Settings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            s = Settings.defaults();
        }
        return s.with(Options.CACHE_PREFIX, config.keyPrefix());
    }
}
