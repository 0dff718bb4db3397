package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Amorsize;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.cache.FileStore;
import io.amorsize.testing.RedisServerProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The shared cache from {@code amorsize.redis.url} in the Flink configuration, and Redis outages. */
@ExtendWith(FlinkCluster.class)
@Timeout(120)
class FlinkRedisFallbackIT {

    /**
     * Measured in this JVM, as before task-manager measurement: the test is about the cache, and its
     * first and third decisions must agree, which a measuring job under heavy machine load made flaky.
     */
    static final FlinkTuneOptions IN_CLIENT = FlinkTuneOptions.builder()
            .measureBudget(Duration.ofMillis(600))
            .measureOn(MeasureOn.CLIENT)
            .build();

    @TempDir
    java.nio.file.Path tmp;

    @AfterEach
    void stopUsingRedis() {
        Amorsize.disableDistributedCache();
    }

    private Configuration cacheConf(String redisUrl, String prefix) {
        Configuration conf = new Configuration();
        conf.set(AmorsizeOptions.REDIS_URL, redisUrl);
        conf.set(AmorsizeOptions.CACHE_DIR, tmp.toString());
        conf.setString("amorsize.cache.prefix", prefix);
        conf.setString("amorsize.redis.breaker-cooldown", "30s");
        return conf;
    }

    @Test
    void redisKilledBetweenTwoTunesTheSecondIsAFileHitAndTheJobStillRuns() throws Exception {
        String prefix = "flinktest-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            StreamExecutionEnvironment env = FlinkCluster.env(1, cacheConf(redis.url(), prefix));
            AmorsizeFlinkIT.Spin fn = new AmorsizeFlinkIT.Spin(211);
            Recommendation first = AmorsizeFlink.tune(env, AmorsizeFlinkIT.sample(200), fn, 40_000, IN_CLIENT);
            assertEquals(Source.COMPUTED, first.source(), first.explain());
            String keys = redis.cli("--scan", "--pattern", prefix + "*");
            assertTrue(keys.startsWith(prefix), "the profile is in Redis: '" + keys + "'");
            assertTrue(localFile().contains(prefix), "and in the local file");

            redis.kill9();
            int calls = AmorsizeFlinkIT.Spin.CALLS.get();
            long t0 = System.nanoTime();
            Recommendation second = AmorsizeFlink.tune(env, AmorsizeFlinkIT.sample(200), fn, 40_000, IN_CLIENT);
            long elapsed = System.nanoTime() - t0;
            assertEquals(Source.CACHE_FILE, second.source(), second.toString());
            assertEquals(calls, AmorsizeFlinkIT.Spin.CALLS.get(), "nothing measured");
            assertEquals(first.parallelism(), second.parallelism());
            assertTrue(
                    elapsed < Duration.ofSeconds(5).toNanos(),
                    "bounded by the Redis deadline: " + elapsed / 1e6 + " ms");

            var seen = AmorsizeFlinkIT.runWith(env, new AmorsizeFlinkIT.Spin(1), second, 400);
            assertEquals(second.parallelism(), seen.size(), seen.toString());

            // Someone switches the process-wide cache off; the Flink configuration still names Redis:
            // the next tune puts it back. Redis restarted empty (a Redis miss is a miss, the file is
            // only for outages), so it measures again and writes the profile to Redis.
            Amorsize.disableDistributedCache();
            redis.restart();
            Recommendation third = AmorsizeFlink.tune(env, AmorsizeFlinkIT.sample(200), fn, 40_000, IN_CLIENT);
            assertEquals(first.parallelism(), third.parallelism(), third.toString());
            assertTrue(Amorsize.isDistributedCacheEnabled(), "the Flink configuration's Redis is in use again");
            String again = redis.cli("--scan", "--pattern", prefix + "*");
            assertTrue(again.startsWith(prefix), "written to Redis again: '" + again + "'");
        }
    }

    @Test
    void redisDownFromTheStartStillTunesFromAndIntoTheLocalFile() throws Exception {
        int deadPort = SessionCluster.freePort();
        String prefix = "flinktest-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        StreamExecutionEnvironment env = FlinkCluster.env(1, cacheConf("redis://127.0.0.1:" + deadPort, prefix));
        AmorsizeFlinkIT.Spin fn = new AmorsizeFlinkIT.Spin(223);
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeFlink.tune(env, AmorsizeFlinkIT.sample(200), fn, 40_000, IN_CLIENT);
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        assertEquals(Source.COMPUTED, rec.source(), rec.toString());
        assertTrue(rec.parallelism() > 1, rec.toString());
        assertFalse(Amorsize.isDistributedCacheEnabled());
        String file = localFile();
        assertTrue(file.contains(prefix), "written to the local file while Redis is down");

        Recommendation again = AmorsizeFlink.tune(env, AmorsizeFlinkIT.sample(200), fn, 40_000, IN_CLIENT);
        assertEquals(Source.CACHE_FILE, again.source());
        var seen = AmorsizeFlinkIT.runWith(env, new AmorsizeFlinkIT.Spin(1), again, 400);
        assertEquals(again.parallelism(), seen.size());
    }

    /** The local files' text, after the background writes queued so far (the file is named after the target). */
    private String localFile() throws java.io.IOException {
        if (io.amorsize.cache.SharedStores.current() instanceof io.amorsize.cache.FallbackStore f) {
            f.flushFileCopies();
        }
        StringBuilder sb = new StringBuilder();
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(tmp)) {
            for (java.nio.file.Path p : files.filter(
                            p -> p.getFileName().toString().startsWith(FileStore.FILE_PREFIX)
                                    && p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                sb.append(Files.readString(p));
            }
        }
        return sb.toString();
    }
}
