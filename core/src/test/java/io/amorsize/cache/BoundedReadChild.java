package io.amorsize.cache;

import io.amorsize.Ticker;
import io.amorsize.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;

/**
 * The reader of the bounded-read test ({@link RedisBoundedReadIT}), run as a child JVM with a small
 * heap: {@code threads} threads read {@code <prefix>v1:huge:n1:c} at once through a {@link RedisStore}.
 * Prints each WARN line as {@code WARN <message>}, then
 * {@code RESULT misses=<n> errors=<n> oom=<true|false> warns=<n> slowestMillis=<ms>}.
 *
 * <p>Usage: {@code BoundedReadChild <redisUrl> <prefix> <threads> <deadlineMillis>}.
 */
public final class BoundedReadChild {

    private BoundedReadChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        int threads = Integer.parseInt(args[2]);
        Duration deadline = Duration.ofMillis(Long.parseLong(args[3]));
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(url)
                .keyPrefix(prefix)
                .deadline(deadline)
                .socketTimeout(deadline)
                .maxConnections(threads)
                .build();
        AtomicInteger misses = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicBoolean oom = new AtomicBoolean();
        AtomicLong slowest = new AtomicLong();
        int warns;
        try (LogCapture logs = LogCapture.start("io.amorsize.cache");
                RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
            if (!store.ping()) {
                throw new IllegalStateException("no Redis at " + url);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        long t0 = System.nanoTime();
                        if (store.get(Entries.key("huge:n1:c")).isEmpty()) {
                            misses.incrementAndGet();
                        }
                        slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
                    } catch (Throwable e) {
                        errors.incrementAndGet();
                        for (Throwable c = e; c != null; c = c.getCause()) {
                            if (c instanceof OutOfMemoryError
                                    || String.valueOf(c.getMessage()).contains("OutOfMemoryError")) {
                                oom.set(true);
                            }
                        }
                        System.err.println("reader failed: " + e);
                    }
                });
                t.start();
                ts.add(t);
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            warns = logs.at(Level.WARN).size();
            logs.at(Level.WARN).forEach(l -> System.out.println("WARN " + l.message()));
        }
        System.out.println("RESULT misses=" + misses + " errors=" + errors + " oom=" + oom + " warns=" + warns
                + " slowestMillis=" + slowest);
    }
}
