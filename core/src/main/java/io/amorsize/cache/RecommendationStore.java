package io.amorsize.cache;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where measured profiles are kept between jobs. Implementations: Redis, a local JSON file, a
 * fallback that composes the two, and an in-memory store for tests and single-JVM use.
 *
 * <p>Keys are rendered {@link io.amorsize.key.CacheKey}s, including the prefix. A store never
 * returns an entry that failed validation: a rejected entry is a miss.
 */
public interface RecommendationStore extends AutoCloseable {

    /**
     * @return the entry under {@code key}, or empty on a miss (absent, expired or rejected)
     * @throws StoreUnavailableException when the backing service cannot be reached in time
     */
    Optional<CacheHit> get(String key);

    /**
     * Stores {@code entry} under {@code key} (with the store's TTL).
     *
     * @throws StoreUnavailableException when the backing service cannot be reached in time
     */
    void put(String key, CacheEntry entry);

    /** Deletes one key; true if it existed. */
    boolean delete(String key);

    /** Keys inside this store's prefix matching a glob {@code pattern} (SCAN, never KEYS). */
    List<String> scan(String pattern);

    /** Deletes the keys inside this store's prefix matching {@code pattern}; returns how many. */
    long clear(String pattern);

    /** Server and client-side counters. */
    StoreStats stats();

    /**
     * Tries to take the compute lock for {@code key}. Empty when another holder has it; stores that
     * cannot lock return {@link ComputeLock#NONE}.
     */
    default Optional<ComputeLock> tryLock(String key, Duration lease) {
        return Optional.of(ComputeLock.NONE);
    }

    @Override
    void close();
}
