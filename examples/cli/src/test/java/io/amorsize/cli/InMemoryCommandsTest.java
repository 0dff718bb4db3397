package io.amorsize.cli;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.ComputeLock;
import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.StoreStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The store commands on in-memory stores (one per Redis host). */
class InMemoryCommandsTest extends StoreCommandsContract {

    final Map<String, InMemoryStore> stores = new ConcurrentHashMap<>();

    @Override
    List<String> storeArgs(String name) {
        return List.of("--redis-url", url(name));
    }

    String url(String name) {
        return "redis://" + name + ":6379";
    }

    @Override
    StoreOpener opener() {
        return t -> new Unclosable(stores.computeIfAbsent(t.redis().endpoints().get(0).host(), k -> new InMemoryStore()));
    }

    @Override
    List<String> allKeys(String name) {
        InMemoryStore s = stores.get(name);
        return s == null ? List.of() : s.scan("*");
    }

    @Override
    Optional<CacheEntry> entry(String name, String key) {
        InMemoryStore s = stores.get(name);
        return s == null ? Optional.empty() : s.get(key).map(CacheHit::entry);
    }

    /** Shares one in-memory store between invocations (closing it would not lose data anyway). */
    record Unclosable(InMemoryStore s) implements RecommendationStore {
        public Optional<CacheHit> get(String key) { return s.get(key); }
        public void put(String key, CacheEntry entry) { s.put(key, entry); }
        public boolean delete(String key) { return s.delete(key); }
        public List<String> scan(String pattern) { return s.scan(pattern); }
        public long clear(String pattern) { return s.clear(pattern); }
        public StoreStats stats() { return s.stats(); }
        public Optional<ComputeLock> tryLock(String key, Duration lease) { return s.tryLock(key, lease); }
        public void close() { }
    }
}
