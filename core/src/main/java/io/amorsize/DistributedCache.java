package io.amorsize;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.SharedStores;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.model.ClusterShape;
import io.amorsize.recommend.Optimizer;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prewarming the process-wide cache behind the {@link Amorsize} facade. The store itself, and its
 * (re)configuration, is {@link SharedStores}'.
 */
final class DistributedCache {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedCache.class);

    private DistributedCache() {}

    static int prewarm(Object fn, List<WorkloadSpec> specs) {
        return prewarm(fn, specs, Clock.systemUTC());
    }

    /** As {@link #prewarm(Object, List)}, stamping the entries' creation time from {@code clock}. */
    static int prewarm(Object fn, List<WorkloadSpec> specs, Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clock must not be null");
        }
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
        RecommendationStore store = SharedStores.current();
        Settings settings = settings();
        Optimizer optimizer = new Optimizer(settings);
        int stored = 0;
        for (WorkloadSpec spec : specs) {
            ClusterShape cluster = spec.cluster() != null ? spec.cluster() : Amorsize.localCluster();
            CacheKey key = CacheKey.of(fingerprint, spec.input(), cluster);
            Recommendation r = optimizer.optimize(spec.profile(), spec.workload(), cluster);
            CacheEntry entry = new CacheEntry(
                    EntryFormat.SCHEMA_VERSION,
                    key,
                    spec.profile(),
                    cluster,
                    spec.workload(),
                    r.partitions(),
                    r.batchSize(),
                    r.action(),
                    clock.millis());
            store.put(key, entry);
            stored++;
            LOG.info(
                    "amorsize cache: prewarmed {} ({} records, {} ns/record on {}: {} partitions, batch {})",
                    store.render(key),
                    spec.records(),
                    Math.round(spec.nanosPerRecord()),
                    cluster.fingerprint(),
                    r.partitions(),
                    r.batchSize());
        }
        return stored;
    }

    /** The environment's settings (the optimizer's options); defaults when the environment is invalid. */
    static Settings settings() {
        try {
            return Settings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            return Settings.defaults();
        }
    }
}
