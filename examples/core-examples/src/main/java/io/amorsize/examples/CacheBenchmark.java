package io.amorsize.examples;

import io.amorsize.Action;
import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FallbackStore;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RedisStore;
import io.amorsize.cache.StoreUnavailableException;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.RedisClient;

/**
 * Cache benchmark (docs/BENCHMARKS.md, section "Cache"): Redis hit latency p50/p99 on loopback, gets/s with 8 threads,
 * look-up latency with Redis down and the breaker open, and Redis memory for 1,000 entries.
 *
 * <p>Uses {@code AMORSIZE_REDIS_URL} (or the first argument) if given, else spawns
 * {@code redis-server} on a free loopback port and kills it at the end. Writes only under a unique
 * prefix and deletes it afterwards.
 *
 * <pre>
 * mvn -B -q -DskipTests package exec:java -pl examples/core-examples -am \
 *     -Dexec.mainClass=io.amorsize.examples.CacheBenchmark
 * </pre>
 */
public final class CacheBenchmark {

    private static final ClusterShape CLUSTER = new ClusterShape("spark", "4.1.1", 16, 2L << 30, 3e6);

    private CacheBenchmark() {}

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : System.getenv("AMORSIZE_REDIS_URL");
        Process spawned = null;
        Path dir = Files.createTempDirectory("amorsize-bench-");
        if (url == null || url.isBlank()) {
            int port = freePort();
            spawned = new ProcessBuilder(
                            "redis-server",
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            Process p = spawned;
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            awaitPort(port);
            url = "redis://127.0.0.1:" + port;
        }
        String prefix = "amorsize-bench:" + ProcessHandle.current().pid() + ":";
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                Locale.ROOT,
                "# Cache benchmark (%d cores, JDK %s, Redis %s)%n",
                cores,
                System.getProperty("java.version"),
                spawned != null ? "spawned redis-server on loopback" : "given URL");

        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(url)
                .keyPrefix(prefix)
                .fallbackDir(dir)
                .build();
        try (RedisStore store = new RedisStore(cfg);
                RedisClient admin = RedisClient.create(java.net.URI.create(url))) {
            CacheKey key = CacheKey.of("fbench", new io.amorsize.key.InputShape(1_000_000, -1, 64), CLUSTER);
            store.put(key, entry(key, 1));

            // 1. single-thread hit latency
            for (int i = 0; i < 20_000; i++) {
                store.get(key).orElseThrow();
            }
            long[] lat = new long[50_000];
            for (int i = 0; i < lat.length; i++) {
                long t = System.nanoTime();
                store.get(key).orElseThrow();
                lat[i] = System.nanoTime() - t;
            }
            Arrays.sort(lat);
            System.out.printf(
                    Locale.ROOT,
                    "redis hit latency (1 thread, %,d gets): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    lat.length,
                    ms(pct(lat, 0.50)),
                    ms(pct(lat, 0.99)),
                    ms(lat[lat.length - 1]));

            // 1b. baseline: the same GET straight through Jedis on the caller thread (no deadline hop, no decode)
            byte[] rawKey = store.render(key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < 20_000; i++) {
                admin.get(rawKey);
            }
            for (int i = 0; i < lat.length; i++) {
                long t = System.nanoTime();
                admin.get(rawKey);
                lat[i] = System.nanoTime() - t;
            }
            Arrays.sort(lat);
            System.out.printf(
                    Locale.ROOT,
                    "baseline raw Jedis GET (1 thread, same server): p50 %.3f ms, p99 %.3f ms%n",
                    ms(pct(lat, 0.50)),
                    ms(pct(lat, 0.99)));

            // 2. throughput, 8 threads, 5 s
            int threads = 8;
            LongAdder gets = new LongAdder();
            CountDownLatch go = new CountDownLatch(1);
            long runNanos = TimeUnit.SECONDS.toNanos(5);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long end = System.nanoTime() + runNanos;
                    while (System.nanoTime() < end) {
                        store.get(key).orElseThrow();
                        gets.increment();
                    }
                });
                th.start();
                ts.add(th);
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT, "throughput (%d threads, %.1f s): %,.0f gets/s%n", threads, secs, gets.sum() / secs);

            // 3. memory for 1,000 entries
            long before = usedMemory(admin);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                CacheKey k = CacheKey.of(
                        "f" + Long.toHexString(0x9e3779b97f4a7c15L * (i + 1)).replace('-', 'x'),
                        new io.amorsize.key.InputShape(1_000_000L + i, -1, 64),
                        CLUSTER);
                store.put(k, entry(k, i));
                keys.add(store.render(k));
            }
            long after = usedMemory(admin);
            long usage = 0;
            for (String k : keys) {
                Long u = admin.memoryUsage(k);
                usage += u == null ? 0 : u;
            }
            long valueBytes = admin.strlen(keys.get(0));
            System.out.printf(
                    Locale.ROOT,
                    "1,000 entries: MEMORY USAGE sum %,d bytes (%.2f MB, %,d per entry; value %,d bytes), "
                            + "INFO used_memory diff %,d bytes%n",
                    usage,
                    usage / 1e6,
                    usage / 1000,
                    valueBytes,
                    after - before);
            store.clear("*");
        }

        // 4. Redis down, breaker open: a look-up fails fast so the fallback can answer.
        int deadPort = freePort();
        CacheConfig down = CacheConfig.builder()
                .redisUrl("redis://127.0.0.1:" + deadPort)
                .keyPrefix(prefix)
                .fallbackDir(dir)
                .build();
        try (RedisStore store = new RedisStore(down)) {
            CacheKey key = new CacheKey("f", "n1", "c");
            long t = System.nanoTime();
            try {
                store.get(key);
            } catch (StoreUnavailableException expected) {
                // opens the breaker
            }
            System.out.printf(
                    Locale.ROOT,
                    "redis down: first look-up (connection refused, opens the breaker) %.3f ms, breaker %s%n",
                    ms(System.nanoTime() - t),
                    store.breakerState());
            long[] lat = new long[100_000];
            for (int i = 0; i < lat.length; i++) {
                long s = System.nanoTime();
                try {
                    store.get(key);
                } catch (StoreUnavailableException expected) {
                    // fail fast
                }
                lat[i] = System.nanoTime() - s;
            }
            Arrays.sort(lat);
            System.out.printf(
                    Locale.ROOT,
                    "redis down, breaker open (%,d look-ups): p50 %.4f ms, p99 %.4f ms, max %.3f ms%n",
                    lat.length,
                    ms(pct(lat, 0.50)),
                    ms(pct(lat, 0.99)),
                    ms(lat[lat.length - 1]));
        }
        // 5. the same through the production path: FallbackStore(Redis down, breaker open) -> local file hit
        try (RedisStore redis = new RedisStore(down);
                FallbackStore store = new FallbackStore(
                        redis,
                        new FileStore(dir.resolve("fallback"), prefix, down.ttl(), EntryCodec.withSecret(null)))) {
            CacheKey key = CacheKey.of("fdown", new io.amorsize.key.InputShape(1_000_000, -1, 64), CLUSTER);
            store.put(key, entry(key, 7)); // Redis down: file + journal; opens the breaker
            for (int i = 0; i < 2_000; i++) {
                store.get(key).orElseThrow();
            }
            long[] lat = new long[20_000];
            for (int i = 0; i < lat.length; i++) {
                long s = System.nanoTime();
                store.get(key).orElseThrow();
                lat[i] = System.nanoTime() - s;
            }
            Arrays.sort(lat);
            System.out.printf(
                    Locale.ROOT,
                    "redis down, breaker open, hit from the local file via FallbackStore (%,d look-ups): "
                            + "p50 %.3f ms, p99 %.3f ms, max %.3f ms (breaker %s)%n",
                    lat.length,
                    ms(pct(lat, 0.50)),
                    ms(pct(lat, 0.99)),
                    ms(lat[lat.length - 1]),
                    redis.breakerState());
        }
        if (spawned != null) {
            spawned.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        deleteTree(dir);
    }

    static CacheEntry entry(CacheKey key, int i) {
        CostProfile p = CostProfile.perRecord(
                new CostProfile.Sample(2000, true, 1.3),
                new CostProfile.Timing(41_000 + i, 40_000, 55_000, 70_000, 120_000, 0.25),
                new CostProfile.Resources(39_000, 2048),
                CostProfile.Sizes.of(180, 96));
        return new CacheEntry(
                io.amorsize.cache.EntryFormat.SCHEMA_VERSION,
                key,
                p,
                CLUSTER,
                Workload.of(1_000_000, 64),
                48,
                1,
                Action.REPARTITION,
                1_763_900_000_000L + i);
    }

    private static long usedMemory(RedisClient admin) {
        for (String line : admin.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        return -1;
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }
}
