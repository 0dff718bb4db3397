package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Observation;
import io.amorsize.model.Workload;
import java.util.ArrayList;
import java.util.List;
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
 * @param history         observations of the runs shaped by this entry, oldest first, at most
 *                        {@link #MAX_HISTORY} (empty for a fresh entry and for entries written before
 *                        feedback existed)
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
        long createdAtMillis,
        List<Observation> history)
        implements java.io.Serializable {

    /** Most observations an entry keeps (older ones are dropped first). */
    public static final int MAX_HISTORY = 16;

    /** An entry without observations. */
    public CacheEntry(
            int schemaVersion,
            CacheKey key,
            CostProfile profile,
            ClusterShape cluster,
            Workload workload,
            int partitions,
            int batchSize,
            Action action,
            long createdAtMillis) {
        this(schemaVersion, key, profile, cluster, workload, partitions, batchSize, action, createdAtMillis, List.of());
    }

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
        history = List.copyOf(Objects.requireNonNull(history, "history"));
        if (history.size() > MAX_HISTORY) {
            throw new IllegalArgumentException(
                    "history holds " + history.size() + " observations, at most " + MAX_HISTORY);
        }
    }

    /**
     * This entry with {@code o} appended to its history, keeping the newest {@code keep}
     * (1..{@link #MAX_HISTORY}); unchanged when an observation with the same id is already there.
     */
    public CacheEntry withObservation(Observation o, int keep) {
        Objects.requireNonNull(o, "observation");
        if (keep < 1 || keep > MAX_HISTORY) {
            throw new IllegalArgumentException("keep must be in 1.." + MAX_HISTORY + ", got " + keep);
        }
        for (Observation h : history) {
            if (h.id() == o.id()) {
                return this;
            }
        }
        List<Observation> h = new ArrayList<>(history);
        h.add(o);
        List<Observation> kept = h.subList(Math.max(0, h.size() - keep), h.size());
        return new CacheEntry(
                schemaVersion, key, profile, cluster, workload, partitions, batchSize, action, createdAtMillis, kept);
    }

    /** This entry without observations (the CLI's {@code clear --history}). */
    public CacheEntry withoutHistory() {
        return history.isEmpty()
                ? this
                : new CacheEntry(
                        schemaVersion,
                        key,
                        profile,
                        cluster,
                        workload,
                        partitions,
                        batchSize,
                        action,
                        createdAtMillis,
                        List.of());
    }
}
