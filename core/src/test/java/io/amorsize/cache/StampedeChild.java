package io.amorsize.cache;

import io.amorsize.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.RedisClient;

/**
 * One participant of the stampede test (issue 3, test 14), run in the test JVM and in child JVMs:
 * at an agreed wall-clock instant, {@code threads} threads look up the same missing key through the
 * Tuner's lock-and-wait path. The "measurement" increments a counter key in Redis, so the test can
 * count how many times it ran across all processes.
 *
 * <p>Usage: {@code StampedeChild <redisUrl> <prefix> <startAtEpochMillis> <threads>}; prints
 * {@code RESULT measured=<n> served=<n>}.
 */
public final class StampedeChild {

    static final Duration MEASURE_TIME = Duration.ofMillis(1000);
    static final Duration LOCK_WAIT = Duration.ofSeconds(8);

    private StampedeChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        long startAt = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        int[] r = run(url, prefix, startAt, threads);
        System.out.println("RESULT measured=" + r[0] + " served=" + r[1]);
    }

    static String key(String prefix) {
        return prefix + "v1:stampede:n20:local-1-s4-m30";
    }

    /** @return {measurements run here, look-ups answered here} */
    static int[] run(String url, String prefix, long startAtMillis, int threads) throws Exception {
        CacheConfig cfg = CacheConfig.builder().redisUrl(url).keyPrefix(prefix).deadline(Duration.ofSeconds(2))
                .poolMaxWait(Duration.ofMillis(1500)).maxConnections(threads).build();
        AtomicInteger measured = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system());
             RedisClient counter = RedisClient.create(java.net.URI.create(url))) {
            String key = key(prefix);
            store.ping(); // connect before the start instant
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    sleepUntil(startAtMillis);
                    CacheEntry e = lookUpOrMeasure(store, key, () -> {
                        measured.incrementAndGet();
                        counter.incr(prefix + "measurements");
                        sleep(MEASURE_TIME.toMillis());
                        return Entries.sample(key);
                    });
                    if (e != null && e.key().equals(key)) {
                        served.incrementAndGet();
                    }
                });
                t.start();
                ts.add(t);
            }
            for (Thread t : ts) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        return new int[] {measured.get(), served.get()};
    }

    interface Measure {
        CacheEntry run();
    }

    /**
     * The Tuner's miss path: look up; on a miss take the compute lock and measure (looking once more
     * first, in case the holder before us just finished); without the lock, wait for the holder's
     * entry up to {@link #LOCK_WAIT}, then measure anyway.
     */
    static CacheEntry lookUpOrMeasure(RecommendationStore store, String key, Measure measure) {
        Optional<CacheHit> hit = store.get(key);
        if (hit.isPresent()) {
            return hit.get().entry();
        }
        Optional<ComputeLock> lock = store.tryLock(key, LOCK_WAIT.plusSeconds(1));
        if (lock.isPresent()) {
            try (ComputeLock held = lock.get()) {
                Optional<CacheHit> again = store.get(key);
                if (again.isPresent()) {
                    return again.get().entry();
                }
                CacheEntry e = measure.run();
                store.put(key, e);
                return e;
            }
        }
        long end = System.nanoTime() + LOCK_WAIT.toNanos();
        while (System.nanoTime() < end) {
            Optional<CacheHit> waited = store.get(key);
            if (waited.isPresent()) {
                return waited.get().entry();
            }
            sleep(20);
        }
        CacheEntry e = measure.run();
        store.put(key, e);
        return e;
    }

    static void sleepUntil(long epochMillis) {
        long ms = epochMillis - System.currentTimeMillis();
        if (ms > 0) {
            sleep(ms);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
