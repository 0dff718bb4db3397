package io.amorsize.cache;

import io.amorsize.Source;
import io.amorsize.key.CacheKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A store in this JVM's memory, for single-JVM use and tests. No TTL, no persistence, no
 * validation. Hits report the source given at construction (default {@link Source#CACHE_REDIS});
 * keys are rendered under the prefix given at construction (default {@code amorsize:}).
 */
public final class InMemoryStore implements RecommendationStore {

    private final ConcurrentMap<String, CacheEntry> entries = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Boolean> locks = new ConcurrentHashMap<>();
    private final Source source;
    private final String prefix;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public InMemoryStore() {
        this(Source.CACHE_REDIS);
    }

    public InMemoryStore(Source reportedSource) {
        this(reportedSource, io.amorsize.config.Options.CACHE_PREFIX.defaultValue());
    }

    public InMemoryStore(Source reportedSource, String keyPrefix) {
        this.source = java.util.Objects.requireNonNull(reportedSource, "reportedSource");
        this.prefix = java.util.Objects.requireNonNull(keyPrefix, "keyPrefix");
    }

    @Override
    public String keyPrefix() {
        return prefix;
    }

    @Override
    public Optional<CacheHit> get(CacheKey key) {
        CacheEntry e = entries.get(render(key));
        if (e == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        hits.incrementAndGet();
        return Optional.of(new CacheHit(e, source));
    }

    @Override
    public void put(CacheKey key, CacheEntry entry) {
        requireSameKey(key, entry);
        entries.put(render(key), entry);
    }

    /** Atomic: a {@link ConcurrentMap#computeIfPresent}. */
    @Override
    public boolean observe(CacheKey key, io.amorsize.model.Observation observation, int keep) {
        java.util.Objects.requireNonNull(observation, "observation");
        return entries.computeIfPresent(render(key), (k, e) -> e.withObservation(observation, keep)) != null;
    }

    @Override
    public boolean clearHistory(CacheKey key) {
        boolean[] had = {false};
        entries.computeIfPresent(render(key), (k, e) -> {
            had[0] = !e.history().isEmpty();
            return e.withoutHistory();
        });
        return had[0];
    }

    @Override
    public boolean delete(CacheKey key) {
        return entries.remove(render(key)) != null;
    }

    @Override
    public List<String> scan(String pattern) {
        Pattern p = globToRegex(EntryFormat.scoped(prefix, pattern));
        return entries.keySet().stream()
                .filter(k -> p.matcher(k).matches())
                .sorted()
                .toList();
    }

    @Override
    public long clear(String pattern) {
        List<String> keys = scan(pattern);
        keys.forEach(entries::remove);
        return keys.size();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(false, "memory", entries.size(), -1, "", -1, -1, hits.get(), misses.get(), 0, 0, "");
    }

    @Override
    public Optional<ComputeLock> tryLock(CacheKey key, Duration lease) {
        String k = render(key);
        if (locks.putIfAbsent(k, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        return Optional.of(() -> locks.remove(k));
    }

    @Override
    public void close() {}

    /** The check every store makes on put: the entry says which key it was made for. */
    static void requireSameKey(CacheKey key, CacheEntry entry) {
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(entry, "entry");
        if (!key.equals(entry.key())) {
            throw new IllegalArgumentException("entry.key " + entry.key() + " differs from key " + key);
        }
    }

    @Override
    public String toString() {
        return "InMemoryStore{prefix=" + prefix + ", " + entries.size() + " entries}";
    }

    /** Redis-style glob ({@code *}, {@code ?}) to a regex; other characters literal. */
    static Pattern globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }
}
