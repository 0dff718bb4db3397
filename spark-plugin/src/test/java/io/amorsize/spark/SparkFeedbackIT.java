package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RedisStore;
import io.amorsize.model.Observation;
import io.amorsize.testing.RedisServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The run Amorsize shaped corrects the cached profile: two driver JVMs against one Redis, and the cases left out. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SparkFeedbackIT {

    /** Set by a test to make the real job (not the sample) fail; local mode runs tasks in this JVM. */
    static final AtomicBoolean FAIL = new AtomicBoolean();

    private static CacheEntry onlyEntry(RecommendationStore store) {
        // the function's entry; the cluster's per-task overhead entry (issue 10) sits beside it
        List<String> keys = store.scan("*").stream()
                .filter(k -> !k.contains(":amorsize-cluster:"))
                .toList();
        assertEquals(1, keys.size(), keys.toString());
        return store.get(store.keyOf(keys.get(0))).orElseThrow().entry();
    }

    @Test
    void theFirstDriversRunIsObservedAndTheSecondDriverDecidesWithTheObservedCount(@TempDir Path dir) throws Exception {
        String prefix = "feedback-" + System.nanoTime() + ":";
        try (RedisServerProcess redis = RedisServerProcess.start();
                RedisStore store = new RedisStore(CacheConfig.builder()
                        .redisUrl(redis.url())
                        .keyPrefix(prefix)
                        .ttl(Duration.ofHours(1))
                        .deadline(Duration.ofSeconds(10))
                        .build())) {
            Map<String, String> first =
                    TwoDriversIT.runDriver(FeedbackDriver.class.getName(), dir, prefix, redis.url());
            assertEquals("COMPUTED", first.get("source"), first.get("log"));
            assertEquals("100000", first.get("count"));
            CacheEntry afterOne = onlyEntry(store);
            assertEquals(1, afterOne.history().size(), "driver 1's run is stored: " + first.get("log"));
            Observation o = afterOne.history().get(0);
            assertEquals(FeedbackDriver.RECORDS, o.records(), "the true record count");
            assertEquals(0, o.correctedBy());
            assertTrue(o.costKnown() && o.observedNanos() > 0, o.toString());
            assertEquals(Integer.parseInt(first.get("partitions")), o.partitions());

            Map<String, String> second =
                    TwoDriversIT.runDriver(FeedbackDriver.class.getName(), dir, prefix, redis.url());
            assertEquals("CACHE_REDIS", second.get("source"), second.get("log"));
            assertEquals("true", second.get("observedRecords"), second.get("log"));
            assertEquals("1", second.get("observedRuns"), second.get("log"));
            assertTrue(second.get("log").contains("(redis hit, corrected by 1 run"), second.get("log"));
            int p = Integer.parseInt(second.get("partitions"));
            int batch = Integer.parseInt(second.get("batch"));
            // Sized for the observed 100,000 records: the smallest of a task's observed records, the
            // overhead rule's "needs b >= N" and a latency or memory cap, as the explanation names them
            // (within 10 %). Under load the fit can make the overhead rule the smallest (11,416 once).
            String log = second.get("log");
            long expected = FeedbackDriver.RECORDS / p;
            java.util.regex.Matcher needs =
                    java.util.regex.Pattern.compile("needs b >= ([\\d,]+)").matcher(log);
            if (needs.find()) {
                expected = Math.min(expected, Long.parseLong(needs.group(1).replace(",", "")));
            }
            java.util.regex.Matcher capped =
                    java.util.regex.Pattern.compile("capped at ([\\d,]+) by").matcher(log);
            if (capped.find()) {
                expected = Math.min(expected, Long.parseLong(capped.group(1).replace(",", "")));
            }
            assertTrue(
                    batch >= 0.9 * expected,
                    "the batch is sized for the observed 100,000 records (" + p + " partitions, batch " + batch
                            + ", expected " + expected + "): " + log);
            CacheEntry afterTwo = onlyEntry(store);
            assertEquals(2, afterTwo.history().size());
            assertEquals(1, afterTwo.history().get(1).correctedBy(), "driver 2 decided with driver 1's run");
        }
    }

    private static JavaSparkContext local(Path dir, String prefix, boolean feedback) {
        return SparkTestSupport.local(
                "SparkFeedbackIT",
                Map.of(
                        "spark.amorsize.cache.dir",
                        dir.toString(),
                        "spark.amorsize.cache.prefix",
                        prefix,
                        "spark.amorsize.measure.budget",
                        "300ms",
                        "spark.amorsize.feedback.enabled",
                        Boolean.toString(feedback)));
    }

    private static FileStore file(Path dir, String prefix) {
        return new FileStore(dir, prefix, Duration.ofDays(7), EntryCodec.withSecret(null));
    }

    @Test
    void aFailedStageIsNotObservedAndFeedbackOffObservesNothing(@TempDir Path dir) {
        String prefix = "feedback-local-" + System.nanoTime() + ":";
        List<Integer> data = IntStream.range(0, 20_000).boxed().collect(Collectors.toList());
        Function<Integer, Integer> fn = x -> {
            if (FAIL.get() && x == 19_999) {
                throw new IllegalStateException("injected failure");
            }
            return Functions.cpu(20).call(x);
        };
        JavaSparkContext jsc = local(dir, prefix, true);
        try {
            JavaRDD<Integer> rdd = jsc.parallelize(data, 4);
            JavaRDD<Integer> tuned = AmorsizeSpark.repartitionOptimal(rdd, fn);
            FAIL.set(true);
            assertThrows(Exception.class, () -> tuned.map(fn).count());
            SparkTestSupport.drain(jsc);
            assertEquals(List.of(), onlyEntry(file(dir, prefix)).history(), "a failed stage is not an observation");
            FAIL.set(false);
            tuned.map(fn).count(); // the same tuned RDD again: only its first stage counted, and that one failed
            SparkTestSupport.drain(jsc);
            assertEquals(List.of(), onlyEntry(file(dir, prefix)).history());

            JavaRDD<Integer> again = AmorsizeSpark.repartitionOptimal(rdd, fn);
            assertEquals(20_000, again.map(fn).count());
            SparkTestSupport.drain(jsc);
            List<Observation> h = onlyEntry(file(dir, prefix)).history();
            assertEquals(1, h.size(), "a run that completes is observed");
            assertEquals(20_000, h.get(0).records());
        } finally {
            FAIL.set(false);
            jsc.stop();
            io.amorsize.cache.SharedStores.closeApplication();
        }

        String offPrefix = "feedback-off-" + System.nanoTime() + ":";
        JavaSparkContext off = local(dir, offPrefix, false);
        try {
            JavaRDD<Integer> tuned = AmorsizeSpark.repartitionOptimal(off.parallelize(data, 4), fn);
            assertEquals(20_000, tuned.map(fn).count());
            SparkTestSupport.drain(off);
            assertEquals(List.of(), onlyEntry(file(dir, offPrefix)).history(), "feedback off: nothing observed");
        } finally {
            off.stop();
            io.amorsize.cache.SharedStores.closeApplication();
        }
    }
}
