package io.amorsize.cache;

import io.amorsize.Source;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A hand-written primary store (our own interface) that keeps raw bytes like Redis does, decodes
 * them with the codec on read (a rejected entry is a miss), and can be switched "down" so every call
 * throws {@link StoreUnavailableException}. {@link #failPutsAfter} simulates an outage mid-replay.
 */
class FallbackFakePrimary implements RecommendationStore {

    final Map<String, byte[]> raw = new ConcurrentHashMap<>();
    final EntryCodec codec;
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    volatile int failPutsAfter = Integer.MAX_VALUE;
    volatile boolean closed;
    long hits;
    long misses;
    long rejected;

    FallbackFakePrimary(EntryCodec codec) {
        this.codec = codec;
    }

    private void check() {
        calls.incrementAndGet();
        if (down.get()) {
            throw new StoreUnavailableException("fake primary is down");
        }
    }

    /** What another writer puts directly into the primary (bypassing the store under test). */
    void putDirect(String key, CacheEntry e) {
        raw.put(key, codec.encode(e));
    }

    @Override
    public synchronized Optional<CacheHit> get(String key) {
        check();
        byte[] b = raw.get(key);
        if (b == null) {
            misses++;
            return Optional.empty();
        }
        try {
            CacheEntry e = codec.decode(key, b);
            hits++;
            return Optional.of(new CacheHit(e, Source.CACHE_REDIS));
        } catch (RejectedEntryException ex) {
            rejected++;
            misses++;
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, CacheEntry entry) {
        check();
        if (puts.incrementAndGet() > failPutsAfter) {
            down.set(true);
            throw new StoreUnavailableException("fake primary went down mid-replay");
        }
        raw.put(key, codec.encode(entry));
    }

    @Override
    public boolean delete(String key) {
        check();
        return raw.remove(key) != null;
    }

    @Override
    public List<String> scan(String pattern) {
        check();
        Pattern p = InMemoryStore.globToRegex(pattern);
        return raw.keySet().stream().filter(k -> p.matcher(k).matches()).sorted().toList();
    }

    @Override
    public long clear(String pattern) {
        List<String> keys = scan(pattern);
        keys.forEach(raw::remove);
        return keys.size();
    }

    @Override
    public synchronized StoreStats stats() {
        check();
        return new StoreStats(true, "redis", raw.size(), 1234, "7.0.0", 3, 99, hits, misses, 0, rejected, "CLOSED");
    }

    @Override
    public Optional<ComputeLock> tryLock(String key, Duration lease) {
        check();
        return Optional.empty(); // "someone else holds it", distinguishable from NONE
    }

    @Override
    public void close() {
        closed = true;
    }
}
