package io.amorsize.cache;

import io.amorsize.Source;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A store in this JVM's memory, for single-JVM use and tests. No TTL, no persistence, no
 * validation. Hits report the source given at construction (default {@link Source#CACHE_REDIS}).
 */
public final class InMemoryStore implements RecommendationStore {

    private final ConcurrentMap<String, CacheEntry> entries = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Boolean> locks = new ConcurrentHashMap<>();
    private final Source source;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public InMemoryStore() {
        this(Source.CACHE_REDIS);
    }

    public InMemoryStore(Source reportedSource) {
        this.source = reportedSource;
    }

    @Override
    public Optional<CacheHit> get(String key) {
        CacheEntry e = entries.get(key);
        if (e == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        hits.incrementAndGet();
        return Optional.of(new CacheHit(e, source));
    }

    @Override
    public void put(String key, CacheEntry entry) {
        entries.put(key, entry);
    }

    @Override
    public boolean delete(String key) {
        return entries.remove(key) != null;
    }

    @Override
    public List<String> scan(String pattern) {
        Pattern p = globToRegex(pattern);
        return entries.keySet().stream().filter(k -> p.matcher(k).matches()).sorted().toList();
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
    public Optional<ComputeLock> tryLock(String key, Duration lease) {
        if (locks.putIfAbsent(key, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        return Optional.of(() -> locks.remove(key));
    }

    @Override
    public void close() {
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
