package io.amorsize.cli;

import io.amorsize.Source;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.ComputeLock;
import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.StoreStats;
import io.amorsize.key.CacheKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The store commands on in-memory stores (one per Redis host and key prefix, as a server holds several prefixes). */
class InMemoryCommandsTest extends StoreCommandsContract {

    /** host -> prefix -> store */
    final Map<String, Map<String, InMemoryStore>> stores = new ConcurrentHashMap<>();

    @Override
    List<String> storeArgs(String name) {
        return List.of("--redis-url", url(name));
    }

    String url(String name) {
        return "redis://" + name + ":6379";
    }

    @Override
    StoreOpener opener() {
        return t -> new Unclosable(
                stores.computeIfAbsent(t.redis().endpoints().get(0).host(), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(t.prefix(), p -> new InMemoryStore(Source.CACHE_REDIS, p)));
    }

    @Override
    List<String> allKeys(String name) {
        Map<String, InMemoryStore> s = stores.get(name);
        return s == null
                ? List.of()
                : s.values().stream()
                        .flatMap(x -> x.scan("*").stream())
                        .sorted()
                        .toList();
    }

    @Override
    Optional<CacheEntry> entry(String name, String key) {
        Map<String, InMemoryStore> s = stores.get(name);
        if (s == null) {
            return Optional.empty();
        }
        return s.values().stream()
                .filter(x -> key.startsWith(x.keyPrefix()))
                .findFirst()
                .flatMap(x -> x.get(x.keyOf(key)).map(CacheHit::entry));
    }

    @org.junit.jupiter.api.Test
    void showPrintsTheObservationHistoryAndClearHistoryRemovesOnlyIt() {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        String keyA = allKeys("a").stream()
                .filter(k -> k.contains(":fnA:"))
                .findFirst()
                .orElseThrow();
        InMemoryStore store = stores.get("a").get("amorsize:");
        io.amorsize.model.Observation o = new io.amorsize.model.Observation(
                42,
                1_700_000_000_000L,
                16,
                io.amorsize.Action.REPARTITION,
                1,
                0,
                2.1e9,
                2.415e9,
                1_000_000,
                48_000,
                2e6,
                1.2);
        org.junit.jupiter.api.Assertions.assertTrue(store.observe(store.keyOf(keyA), o, 8));
        CliRun show = cli(with("a", "show", keyA)).assertOk();
        org.junit.jupiter.api.Assertions.assertTrue(
                show.out()
                        .contains(
                                "observed     1 run; last predicted 2.10 s, observed 2.42 s (+15 %); records 1,000,000 (observed)"),
                show.out());
        org.junit.jupiter.api.Assertions.assertTrue(
                show.out().contains("  run        2023-11-14T22:13:20Z: REPARTITION 16 partitions"), show.out());
        CliRun clear = cli(with("a", "clear", "--history", "--yes", "v1:fnA:*")).assertOk();
        org.junit.jupiter.api.Assertions.assertTrue(
                clear.out().contains("Removed the observation history of 1 entry"), clear.out());
        org.junit.jupiter.api.Assertions.assertEquals(
                List.of(), entry("a", keyA).orElseThrow().history());
        org.junit.jupiter.api.Assertions.assertTrue(
                cli(with("a", "show", keyA)).assertOk().out().contains("observed     no runs yet"));
    }

    /** Shares one in-memory store between invocations (closing it would not lose data anyway). */
    record Unclosable(InMemoryStore s) implements RecommendationStore {
        public Optional<CacheHit> get(CacheKey key) {
            return s.get(key);
        }

        public void put(CacheKey key, CacheEntry entry) {
            s.put(key, entry);
        }

        public boolean delete(CacheKey key) {
            return s.delete(key);
        }

        public List<String> scan(String pattern) {
            return s.scan(pattern);
        }

        public long clear(String pattern) {
            return s.clear(pattern);
        }

        public StoreStats stats() {
            return s.stats();
        }

        public Optional<ComputeLock> tryLock(CacheKey key, Duration lease) {
            return s.tryLock(key, lease);
        }

        public String keyPrefix() {
            return s.keyPrefix();
        }

        public void close() {}
    }
}
