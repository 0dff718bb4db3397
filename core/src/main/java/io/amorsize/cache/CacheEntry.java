package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.util.Objects;

/**
 * One cached value: the measured profile (the expensive part) plus the decision made from it and
 * the facts it was made for. On a hit the decision is re-derived from {@link #profile()} for the
 * current workload and cluster; the stored decision is for display ({@code list}, {@code show}).
 *
 * @param schemaVersion   {@link EntryFormat#SCHEMA_VERSION} at write time
 * @param key             the key the entry was written under (the store checks the rendered key on
 *                        read, and the HMAC covers it when a secret is configured, so a copy under
 *                        another key or prefix is rejected)
 * @param profile         measured cost profile
 * @param cluster         the cluster the profile was measured on
 * @param workload        the workload the decision was made for
 * @param partitions      decided partitions
 * @param batchSize       decided batch size
 * @param action          decided action
 * @param createdAtMillis epoch millis when the profile was measured (newer wins on journal replay)
 */
public record CacheEntry(
        int schemaVersion,
        CacheKey key,
        CostProfile profile,
        ClusterShape cluster,
        Workload workload,
        int partitions,
        int batchSize,
        Action action,
        long createdAtMillis) implements java.io.Serializable {

    public CacheEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(action, "action");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (createdAtMillis < 0) {
            throw new IllegalArgumentException("createdAtMillis must be >= 0, got " + createdAtMillis);
        }
    }
}
