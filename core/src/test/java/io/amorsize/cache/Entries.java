package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.key.CacheKey;

/** Sample entries for the Redis tests. */
final class Entries {

    private Entries() {
    }

    static final ClusterShape CLUSTER = new ClusterShape("local", "1.0", 4, 1L << 30, 5e6);

    static CacheEntry sample(String key) {
        return sample(key, 1_700_000_000_000L);
    }

    static CacheEntry sample(String key, long createdAt) {
        return new CacheEntry(CacheKey.SCHEMA_VERSION, key, CostProfile.of(50_000, 0.2, 100, 120), CLUSTER,
                Workload.of(100_000, 8), 16, 64, Action.REPARTITION, createdAt);
    }

    /** The real strict codec, unsigned. */
    static final EntryCodec CODEC = EntryCodec.withSecret(null);
}
