package io.amorsize.cache;

import io.amorsize.key.CacheKey;
import io.amorsize.model.Observation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where measured profiles are kept between jobs. Implementations: Redis, a local JSON file, a
 * fallback that composes the two, and an in-memory store for tests and single-JVM use.
 *
 * <p>A store owns its keys: it renders each {@link CacheKey} under its own {@link #keyPrefix()}
 * ({@link EntryFormat#render}), so nothing a caller passes can reach a key outside the prefix.
 * {@link #scan} and {@link #clear} take glob patterns, scoped to the prefix. A store never returns
 * an entry that failed validation: a rejected entry is a miss.
 */
public interface RecommendationStore extends AutoCloseable {

    /**
     * @return the entry under {@code key}, or empty on a miss (absent, expired or rejected)
     * @throws StoreUnavailableException when the backing service cannot be reached in time
     */
    Optional<CacheHit> get(CacheKey key);

    /**
     * Stores {@code entry} under {@code key} (with the store's TTL).
     *
     * @throws IllegalArgumentException   when {@code entry.key()} is not {@code key}
     * @throws StoreUnavailableException when the backing service cannot be reached in time
     */
    void put(CacheKey key, CacheEntry entry);

    /**
     * Stores {@code entry} under {@code key} unless the store already holds an entry at least as new
     * ({@link CacheEntry#createdAtMillis()}): journal replay uses it so an older write never replaces a
     * newer one. Stores that can (Redis) do the comparison and the write atomically; this default reads
     * and then writes.
     *
     * @return true when written, false when the stored entry is at least as new
     * @throws StoreUnavailableException when the backing service cannot be reached in time
     */
    default boolean putIfNewer(CacheKey key, CacheEntry entry) {
        Optional<CacheHit> existing = get(key);
        if (existing.isPresent() && existing.get().entry().createdAtMillis() >= entry.createdAtMillis()) {
            return false;
        }
        put(key, entry);
        return true;
    }

    /**
     * {@link #putIfNewer} for several entries, in order (journal replay): one outcome per entry. A
     * per-entry refusal (a server error for that key such as {@code WRONGTYPE} or {@code NOPERM}, or a
     * refused entry) is that entry's outcome and the others go on; Redis sends all the
     * compare-and-sets in one pipeline (one round trip), this default one after another.
     *
     * @return one outcome per entry; when the store went away part-way, the entries not tried are
     *     refused with a {@link StoreUnavailableException}
     * @throws StoreUnavailableException when the backing service cannot be reached in time before any
     *     outcome is known (entries may still have been written: a retry is harmless, newer wins)
     */
    default List<PutOutcome> putAllIfNewer(List<CacheEntry> entries) {
        List<PutOutcome> out = new java.util.ArrayList<>(entries.size());
        for (CacheEntry e : entries) {
            try {
                out.add(putIfNewer(e.key(), e) ? PutOutcome.WRITTEN : PutOutcome.KEPT_NEWER);
            } catch (StoreUnavailableException u) {
                if (out.isEmpty()) {
                    throw u;
                }
                while (out.size() < entries.size()) {
                    out.add(PutOutcome.refused(u)); // not tried: the store went away after the first writes
                }
                return out;
            } catch (RuntimeException r) {
                out.add(PutOutcome.refused(r));
            }
        }
        return out;
    }

    /**
     * What one compare-and-set of {@link #putAllIfNewer} did: written, kept the stored newer entry,
     * or refused with {@code error} (the line stays in the journal).
     */
    record PutOutcome(boolean written, RuntimeException error) {
        public PutOutcome {
            if (written && error != null) {
                throw new IllegalArgumentException("a refused write is not written");
            }
        }

        public static final PutOutcome WRITTEN = new PutOutcome(true, null);
        public static final PutOutcome KEPT_NEWER = new PutOutcome(false, null);

        public static PutOutcome refused(RuntimeException error) {
            return new PutOutcome(false, java.util.Objects.requireNonNull(error, "error"));
        }

        public boolean refused() {
            return error != null;
        }
    }

    /**
     * Appends {@code observation} to the history of the entry under {@code key}, keeping the newest
     * {@code keep}, without losing a concurrent observation of the same key: Redis merges on the
     * server (one script), the file store under its lock, the in-memory store under its monitor.
     * The entry's TTL is kept. An observation whose id is already in the history is not added again.
     *
     * <p>The default is a read-modify-write, for stores with a single writer.
     *
     * @param keep observations to keep, 1..{@link CacheEntry#MAX_HISTORY}
     * @return false when there is no entry under {@code key} (nothing is written)
     * @throws IllegalArgumentException   when the observation breaks an entry bound
     * @throws StoreUnavailableException when the backing service cannot be reached in time
     */
    default boolean observe(CacheKey key, Observation observation, int keep) {
        Optional<CacheHit> hit = get(key);
        if (hit.isEmpty()) {
            return false;
        }
        CacheEntry e = hit.get().entry();
        CacheEntry updated = e.withObservation(observation, keep);
        if (updated != e) {
            put(key, updated);
        }
        return true;
    }

    /**
     * Removes the observation history of the entry under {@code key} (the entry stays); true when
     * there was one. The default is a read-modify-write.
     */
    default boolean clearHistory(CacheKey key) {
        Optional<CacheHit> hit = get(key);
        if (hit.isEmpty() || hit.get().entry().history().isEmpty()) {
            return false;
        }
        put(key, hit.get().entry().withoutHistory());
        return true;
    }

    /** Deletes one key; true if it existed. */
    boolean delete(CacheKey key);

    /**
     * Rendered keys inside this store's prefix matching a glob {@code pattern} (SCAN, never KEYS); a
     * pattern that does not start with the prefix gets it prepended. {@link #keyOf} reads them back.
     */
    List<String> scan(String pattern);

    /** Deletes the keys inside this store's prefix matching {@code pattern}; returns how many. */
    long clear(String pattern);

    /** Server and client-side counters. */
    StoreStats stats();

    /**
     * Tries to take the compute lock for {@code key}. Empty when another holder has it; stores that
     * cannot lock return {@link ComputeLock#NONE}.
     */
    default Optional<ComputeLock> tryLock(CacheKey key, Duration lease) {
        return Optional.of(ComputeLock.NONE);
    }

    /** The prefix every key of this store is rendered under (e.g. {@code amorsize:}). */
    String keyPrefix();

    /**
     * The key behind a rendered key of this store (from {@link #scan}, an export), validated.
     *
     * @throws IllegalArgumentException when {@code rendered} is outside the prefix or not a key of this schema
     */
    default CacheKey keyOf(String rendered) {
        return EntryFormat.parse(keyPrefix(), rendered);
    }

    /** The string {@code key} is stored under here (for display: list, show, log lines). */
    default String render(CacheKey key) {
        return EntryFormat.render(keyPrefix(), key);
    }

    @Override
    void close();
}
