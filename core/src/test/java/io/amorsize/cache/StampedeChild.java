package io.amorsize.cache;

import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.tune.Measurement;
import io.amorsize.tune.Tuner;
import io.amorsize.tune.TuningRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.RedisClient;

/**
 * One participant of the stampede test (issue 3, test 14), run in the test JVM and in child JVMs:
 * at an agreed wall-clock instant, {@code threads} threads ask the real {@link Tuner} about the same
 * uncached workload, so they all go through its miss path (compute lock, or wait for the holder). The "measurement" increments a counter key in Redis, so the test can
 * count how many times it ran across all processes.
 *
 * <p>Usage: {@code StampedeChild <redisUrl> <prefix> <startAtEpochMillis> <threads>}; prints
 * {@code RESULT measured=<n> served=<n>}.
 */
public final class StampedeChild {

    static final Duration MEASURE_TIME = Duration.ofMillis(1000);
    static final Duration LOCK_WAIT = Duration.ofSeconds(8);

    private StampedeChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        long startAt = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        int[] r = run(url, prefix, startAt, threads);
        System.out.println("RESULT measured=" + r[0] + " served=" + r[1]);
    }

    /** @return {measurements run here, look-ups answered here} */
    static int[] run(String url, String prefix, long startAtMillis, int threads) throws Exception {
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(url)
                .keyPrefix(prefix)
                .deadline(Duration.ofSeconds(2))
                .poolMaxWait(Duration.ofMillis(1500))
                .maxConnections(threads)
                .build();
        AtomicInteger measured = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system());
                RedisClient counter = RedisClient.create(java.net.URI.create(url))) {
            store.ping(); // connect before the start instant
            Settings settings = Settings.defaults().with(Options.CACHE_PREFIX, prefix);
            Tuner tuner = new Tuner(store, settings, Clock.systemUTC(), LOCK_WAIT);
            ClusterShape cluster = new ClusterShape("local", "1.0", 4, 1L << 30, 5e6);
            InputShape input = new InputShape(100_000, -1, 8);
            Workload workload = Workload.of(100_000, 8);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    sleepUntil(startAtMillis);
                    Recommendation r = tuner.tune(new TuningRequest("stampede", input, cluster, workload, () -> {
                        measured.incrementAndGet();
                        counter.incr(prefix + "measurements");
                        sleep(MEASURE_TIME.toMillis());
                        return new Measurement(CostProfile.of(50_000, 0.2, 100, 120), workload, List.of());
                    }));
                    if (r.source() == Source.CACHE_REDIS || r.source() == Source.COMPUTED) {
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
