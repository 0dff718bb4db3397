package io.amorsize.spark.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Recommendation;
import io.amorsize.spark.AmorsizeSpark;
import io.amorsize.spark.SparkTuneOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls, from outside the plugin's package, every public method the examples in README.md and
 * docs/SPARK.md call, with the argument and result types they use: a changed signature fails the
 * build here. Each result is checked for what a broken facade would get wrong.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeApiTest {

    @Test
    void theDocumentedCallsCompileAndWork() throws Exception {
        SparkConf conf = new SparkConf()
                .setAppName("ReadmeApiTest")
                .setMaster("local[2]")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.showConsoleProgress", "false")
                .set(
                        "spark.amorsize.cache.dir",
                        Files.createTempDirectory("amorsize-readme").toString())
                .set(
                        "spark.amorsize.cache.prefix",
                        "readme-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":")
                .set("spark.amorsize.measure.budget", "300ms")
                .set("spark.amorsize.measure.warmup-budget", "100ms");
        JavaSparkContext sc = new JavaSparkContext(conf);
        try {
            List<Integer> records = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
            JavaRDD<Integer> images = sc.parallelize(records, 1);
            Function<Integer, Integer> thumbnail = img -> img * 2;
            Function<List<Integer>, List<Integer>> scoreAll = batch -> {
                List<Integer> out = new ArrayList<>(batch.size());
                batch.forEach(x -> out.add(x + 1));
                return out;
            };

            // README / SPARK.md: repartitionOptimal(rdd, fn).map(fn)
            JavaRDD<Integer> thumbs =
                    AmorsizeSpark.repartitionOptimal(images, thumbnail).map(thumbnail);
            assertEquals(2000, thumbs.count());
            // mapBatches(rdd, batchFn)
            JavaRDD<Integer> scores = AmorsizeSpark.mapBatches(images, scoreAll);
            assertEquals(
                    records.stream().mapToLong(x -> x + 1).sum(),
                    scores.collect().stream().mapToLong(x -> x).sum());
            // recommend(rdd, fn).explain()
            String explained = AmorsizeSpark.recommend(images, thumbnail).explain();
            assertFalse(explained.isBlank());
            // SPARK.md: recommendBatches(rdd, fn, options), then mapBatches(rdd, fn, rec)
            Recommendation r = AmorsizeSpark.recommendBatches(images, scoreAll, SparkTuneOptions.defaults());
            JavaRDD<Integer> same = AmorsizeSpark.mapBatches(images, scoreAll, r);
            assertEquals(2000, same.count());
            assertEquals(r.partitions(), same.getNumPartitions());
            // symmetric with Flink: recommendBatches without options, apply(rdd, rec)
            Recommendation noOptions = AmorsizeSpark.recommendBatches(images, scoreAll);
            assertEquals(r.batchSize(), noOptions.batchSize(), "the same decision, from the cache");
            JavaRDD<Integer> applied = AmorsizeSpark.apply(images, r);
            assertEquals(r.partitions(), applied.getNumPartitions());
            // README / SPARK.md: the options builder
            SparkTuneOptions opts = SparkTuneOptions.builder()
                    .function("thumbnail", "2")
                    .strict(true)
                    .sampleBudget(Duration.ofMillis(500))
                    .build();
            Recommendation strict = AmorsizeSpark.recommend(images, thumbnail, opts);
            assertTrue(strict.partitions() >= 1);
            // the name FlinkTuneOptions uses names the same function
            SparkTuneOptions sameId =
                    SparkTuneOptions.builder().functionId("thumbnail", "2").build();
            assertEquals(opts.functionId(), sameId.functionId());
            assertEquals(opts.functionVersion(), sameId.functionVersion());
        } finally {
            sc.stop();
        }
    }
}
