package io.amorsize.testing;

import io.amorsize.Source;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.ComputeLock;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RejectedEntryException;
import io.amorsize.cache.StoreStats;
import io.amorsize.cache.StoreUnavailableException;
import io.amorsize.config.Options;
import io.amorsize.key.CacheKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The one hand-written store for tests that need to see or break what a store does. It keeps raw
 * codec bytes under rendered keys like Redis does (so a rejected entry is a miss, exactly as in
 * production), passes {@code RecommendationStoreContract}, and can be made to fail:
 * {@link #down} (every call throws {@link StoreUnavailableException}), {@link #getFailure} /
 * {@link #putFailure} (a given exception), {@link #failPutsAfter} (an outage mid-replay); an entry
 * can {@link #appearAfterGets appear} after some look-ups (another driver finished measuring), and
 * the lock can be real, absent or held by someone else ({@link #lockMode}).
 */
public final class FakeStore implements RecommendationStore {

    /** How {@link #tryLock} answers. */
    public enum LockMode {
        /** A real in-memory lock: a second holder is refused until release. */
        REAL,
        /** {@link ComputeLock#NONE}: a store that cannot lock. */
        NONE,
        /** Always empty: someone else holds it. */
        HELD_BY_OTHER
    }

    /** Rendered key to the codec's bytes, as Redis holds them. */
    public final Map<String, byte[]> raw = new ConcurrentHashMap<>();

    public final AtomicBoolean down = new AtomicBoolean();
    public final AtomicInteger gets = new AtomicInteger();
    public final AtomicInteger puts = new AtomicInteger();
    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicInteger releases = new AtomicInteger();
    public volatile RuntimeException getFailure;
    public volatile RuntimeException putFailure;
    public volatile int failPutsAfter = Integer.MAX_VALUE;
    /** Thrown by the puts after {@link #failPutsAfter}; null: the store goes {@link #down} instead. */
    public volatile RuntimeException failPutsWith;

    public volatile LockMode lockMode = LockMode.REAL;
    /** After this many gets, {@link #appearing} is stored under the key being read. */
    public volatile int appearAfterGets = -1;

    public volatile CacheEntry appearing;
    public volatile boolean closed;

    private final String prefix;
    private final EntryCodec codec;
    private final Source source;
    private final Map<String, Boolean> locks = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** Prefix {@code amorsize:}, unsigned codec, hits reported as {@link Source#CACHE_REDIS}. */
    public FakeStore() {
        this(Options.CACHE_PREFIX.defaultValue(), EntryCodec.withSecret(null));
    }

    public FakeStore(String prefix, EntryCodec codec) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.source = Source.CACHE_REDIS;
    }

    public EntryCodec codec() {
        return codec;
    }

    private void check() {
        calls.incrementAndGet();
        if (down.get()) {
            throw new StoreUnavailableException("fake store is down");
        }
    }

    /** What another writer puts directly (bypassing the store under test). */
    public void putDirect(CacheKey key, CacheEntry e) {
        raw.put(render(key), codec.encode(render(key), e));
    }

    /** The valid entry stored under {@code key}, without counting a look-up. */
    public Optional<CacheEntry> entry(CacheKey key) {
        byte[] b = raw.get(render(key));
        try {
            return b == null ? Optional.empty() : Optional.of(codec.decode(render(key), b));
        } catch (RejectedEntryException e) {
            return Optional.empty();
        }
    }

    @Override
    public String keyPrefix() {
        return prefix;
    }

    @Override
    public Optional<CacheHit> get(CacheKey key) {
        int n = gets.incrementAndGet();
        check();
        if (getFailure != null) {
            throw getFailure;
        }
        CacheEntry appear = appearing;
        if (appear != null && appearAfterGets >= 0 && n > appearAfterGets) {
            raw.put(render(key), codec.encode(render(key), appear));
        }
        byte[] b = raw.get(render(key));
        if (b == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        try {
            CacheEntry e = codec.decode(render(key), b);
            hits.incrementAndGet();
            return Optional.of(new CacheHit(e, source));
        } catch (RejectedEntryException ex) {
            rejected.incrementAndGet();
            misses.incrementAndGet();
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, CacheEntry entry) {
        check();
        Objects.requireNonNull(entry, "entry");
        if (!key.equals(entry.key())) {
            throw new IllegalArgumentException("entry.key " + entry.key() + " differs from key " + key);
        }
        if (puts.incrementAndGet() > failPutsAfter) {
            if (failPutsWith != null) {
                throw failPutsWith;
            }
            down.set(true);
            throw new StoreUnavailableException("fake store went down mid-replay");
        }
        if (putFailure != null) {
            throw putFailure;
        }
        raw.put(render(key), codec.encode(render(key), entry));
    }

    /** The default read-modify-write, under this fake's monitor (one fake = one writer's view of a server-side merge). */
    @Override
    public synchronized boolean observe(CacheKey key, io.amorsize.model.Observation observation, int keep) {
        return RecommendationStore.super.observe(key, observation, keep);
    }

    @Override
    public boolean delete(CacheKey key) {
        check();
        return raw.remove(render(key)) != null;
    }

    @Override
    public List<String> scan(String pattern) {
        check();
        Pattern p = glob(pattern.startsWith(prefix) ? pattern : prefix + pattern);
        return raw.keySet().stream()
                .filter(k -> p.matcher(k).matches())
                .sorted()
                .toList();
    }

    @Override
    public long clear(String pattern) {
        List<String> keys = scan(pattern);
        keys.forEach(raw::remove);
        return keys.size();
    }

    @Override
    public StoreStats stats() {
        check();
        return new StoreStats(
                true, "fake", raw.size(), 1234, "7.0.0", 3, 99, hits.get(), misses.get(), 0, rejected.get(), "CLOSED");
    }

    @Override
    public Optional<ComputeLock> tryLock(CacheKey key, Duration lease) {
        check();
        switch (lockMode) {
            case NONE:
                return Optional.of(ComputeLock.NONE);
            case HELD_BY_OTHER:
                return Optional.empty();
            default:
                String k = render(key);
                if (locks.putIfAbsent(k, Boolean.TRUE) != null) {
                    return Optional.empty();
                }
                return Optional.of(() -> {
                    releases.incrementAndGet();
                    locks.remove(k);
                });
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private static Pattern glob(String glob) {
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

    @Override
    public String toString() {
        return "FakeStore{prefix=" + prefix + ", " + raw.size() + " keys" + (down.get() ? ", down" : "") + "}";
    }
}
