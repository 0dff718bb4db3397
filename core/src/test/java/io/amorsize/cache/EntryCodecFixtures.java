package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;

/** Valid entries for the cache tests. */
final class EntryCodecFixtures {

    private EntryCodecFixtures() {}

    static final ClusterShape CLUSTER = new ClusterShape("spark", "4.1.1", 8, 1L << 30, 2_000_000.0);

    static CacheEntry entry(String key, long createdAt) {
        return entry(EntryFormat.keyOf(key), createdAt);
    }

    static CacheEntry batchEntry(String key, long createdAt) {
        return batchEntry(EntryFormat.keyOf(key), createdAt);
    }

    static CacheEntry entryWithMean(String key, double meanNanos, long createdAt) {
        return entryWithMean(EntryFormat.keyOf(key), meanNanos, createdAt);
    }

    /** A per-record profile (no batch fit), 16 partitions over 1M records on 8 slots. */
    static CacheEntry entry(CacheKey key, long createdAt) {
        CostProfile p = CostProfile.perRecord(
                new CostProfile.Sample(200, true, 1.25),
                new CostProfile.Timing(1200.0, 1100.0, 1900.0, 2500.0, 4000.0, 0.3),
                CostProfile.Resources.cpu(900.0),
                CostProfile.Sizes.of(64.0, 16.0));
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                key,
                p,
                CLUSTER,
                Workload.of(1_000_000, 4),
                16,
                1,
                Action.REPARTITION,
                createdAt);
    }

    /** Same with a batch fit whose r² is not computable (NaN). */
    static CacheEntry batchEntry(CacheKey key, long createdAt) {
        CostProfile p = CostProfile.of(850.5, 0.1, new CostProfile.Sizes(128, CostProfile.UNKNOWN))
                .withBatchFit(new BatchFit(5.0e5, 900.0, 3, Double.NaN));
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                key,
                p,
                CLUSTER,
                Workload.of(50_000, 2),
                8,
                512,
                Action.COALESCE,
                createdAt);
    }

    /** A distinct entry (different mean cost) so tests can tell versions apart. */
    static CacheEntry entryWithMean(CacheKey key, double meanNanos, long createdAt) {
        CostProfile p = CostProfile.of(meanNanos, 0.2, 64, 16);
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                key,
                p,
                CLUSTER,
                Workload.of(1_000_000, 4),
                16,
                1,
                Action.REPARTITION,
                createdAt);
    }
}
