package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;

/** Sample entries for the Redis tests. */
final class Entries {

    private Entries() {}

    static final ClusterShape CLUSTER = new ClusterShape("local", "1.0", 4, 1L << 30, 5e6);

    static CacheEntry sample(String key) {
        return sample(EntryFormat.keyOf(key));
    }

    static CacheEntry sample(String key, long createdAt) {
        return sample(EntryFormat.keyOf(key), createdAt);
    }

    static CacheEntry sample(CacheKey key) {
        return sample(key, 1_700_000_000_000L);
    }

    static CacheEntry sample(CacheKey key, long createdAt) {
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                key,
                CostProfile.of(50_000, 0.2, 100, 120),
                CLUSTER,
                Workload.of(100_000, 8),
                16,
                64,
                Action.REPARTITION,
                createdAt);
    }

    /** The key {@code <prefix>v1:<rest>} of a store with {@code prefix}, e.g. {@code key("f:n10:c")}. */
    static CacheKey key(String rest) {
        return EntryFormat.keyOf("v1:" + rest);
    }

    /** The key behind a rendered key (whatever its prefix), e.g. {@code k(prefix + "v1:f:n10:c")}. */
    static CacheKey k(String rendered) {
        return EntryFormat.keyOf(rendered);
    }

    /** The real strict codec, unsigned. */
    static final EntryCodec CODEC = EntryCodec.withSecret(null);
}
