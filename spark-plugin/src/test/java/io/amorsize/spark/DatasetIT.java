package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.logging.log4j.Level;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The Dataset and DataFrame overloads on {@code local[2]} with the local-file cache. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DatasetIT {

    private SparkSession spark;
    private final SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();

    /** A {@code local[2]} session bound to 127.0.0.1 without UI. */
    static SparkSession session(String app, Map<String, String> extra) {
        SparkSession.Builder b = SparkSession.builder()
                .master("local[2]")
                .appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "16");
        extra.forEach(b::config);
        return b.getOrCreate();
    }

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("amorsize-dataset-test");
        spark = session(
                "DatasetIT",
                Map.of(
                        "spark.amorsize.cache.dir", dir.toString(),
                        "spark.amorsize.cache.prefix",
                                "ds-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":",
                        "spark.amorsize.measure.budget", "500ms",
                        "spark.amorsize.measure.warmup-budget", "200ms",
                        "spark.sql.adaptive.enabled", "true",
                        "spark.sql.adaptive.coalescePartitions.enabled", "true"));
        spark.sparkContext().addSparkListener(counter);
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
        }
        io.amorsize.cache.SharedStores.closeApplication();
    }

    @BeforeEach
    void reset() {
        drain();
        counter.reset();
    }

    private void drain() {
        SparkTestSupport.drain(JavaSparkContext.fromSparkContext(spark.sparkContext()));
    }

    private static MapFunction<Long, Long> cpuLong(long micros) {
        return x -> {
            Functions.spin(micros * 1000);
            return x + 1;
        };
    }

    @Test
    void aRangeIsSpreadOverTheSlotsWithTheExactCountFromThePlanThenCached() {
        Dataset<Long> ds = spark.range(0, 3000, 1, 1).as(Encoders.LONG());
        MapFunction<Long, Long> fn = cpuLong(300);
        Recommendation rec = AmorsizeSpark.recommend(ds, fn);
        assertEquals(Source.COMPUTED, rec.source(), rec.explain());
        assertEquals(1, rec.currentPartitions());
        assertTrue(rec.partitions() >= 2, "1 partition of ~0.9 s work on 2 slots: " + rec.explain());
        assertTrue(
                rec.explain().contains("input from the optimized plan: a range of 3000 rows (exact)"), rec.explain());
        drain();
        assertEquals(1, counter.phase("sample"), "one sampling job");
        counter.reset();

        Dataset<Long> tuned = AmorsizeSpark.repartitionOptimal(ds, fn);
        drain();
        assertEquals(0, counter.jobs.get(), "the second decision is a hit: no job at all");
        assertEquals(rec.partitions(), tuned.rdd().getNumPartitions(), "repartition(n) on the Dataset");
        List<Long> out =
                tuned.map(fn, Encoders.LONG()).collectAsList().stream().sorted().toList();
        assertEquals(LongStreamList.of(1, 3001), out);
    }

    @Test
    void aCreatedDatasetIsDescribedByItsLocalRelationAndAHitRunsNoJob() {
        List<Integer> data = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
        // no exchange in the plan: with AQE on, ds.rdd() of a plan ending in a shuffle runs that shuffle first
        Dataset<Integer> ds = spark.createDataset(data, Encoders.INT());
        MapFunction<Integer, Integer> fn = x -> {
            Functions.spin(200_000);
            return x * 2;
        };
        Recommendation first = AmorsizeSpark.recommend(ds, fn);
        assertEquals(Source.COMPUTED, first.source(), first.explain());
        assertTrue(first.explain().contains("a local relation of 2000 rows (exact)"), first.explain());
        drain();
        counter.reset();
        Dataset<Integer> again = spark.createDataset(data, Encoders.INT());
        Recommendation second = AmorsizeSpark.recommend(again, fn);
        drain();
        assertTrue(second.cacheHit(), second.explain());
        assertEquals(0, counter.jobs.get(), "a hit on a Dataset runs no job at all");
        assertEquals(first.partitions(), second.partitions());
    }

    @Test
    void rowTypedDataFramesWorkTheSameWay() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("name", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            rows.add(RowFactory.create(i, "n" + i));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
        MapFunction<Row, Integer> fn = r -> {
            Functions.spin(300_000);
            return r.getInt(0) + r.getString(1).length();
        };
        Dataset<Row> tuned = AmorsizeSpark.repartitionOptimal(df, fn);
        assertTrue(
                tuned.rdd().getNumPartitions() >= 2,
                "CPU-heavy rows are spread: " + tuned.rdd().getNumPartitions());
        assertEquals(1500, tuned.map(fn, Encoders.INT()).count());
        Recommendation rec = AmorsizeSpark.recommend(df, fn);
        assertTrue(rec.cacheHit(), rec.explain());
    }

    @Test
    void mapBatchesStreamsBatchesOfTheRecommendedSizeThroughMapPartitions() {
        List<Integer> data = IntStream.range(0, 1200).boxed().collect(Collectors.toList());
        Dataset<Integer> ds = spark.createDataset(data, Encoders.INT());
        MapFunction<List<Integer>, List<String>> batchFn = batch -> {
            Thread.sleep(2); // a fixed cost per call: batching pays
            Functions.spin(5_000L * batch.size());
            List<String> out = new ArrayList<>(batch.size());
            for (Integer x : batch) {
                out.add(batch.size() + ":" + x);
            }
            return out;
        };
        Recommendation rec = AmorsizeSpark.recommendBatches(ds, batchFn);
        assertTrue(rec.batchSize() > 1, "a fixed cost per call makes batches pay: " + rec.explain());
        List<String> out =
                AmorsizeSpark.mapBatches(ds, batchFn, Encoders.STRING(), rec).collectAsList();
        assertEquals(1200, out.size());
        List<Integer> values = out.stream()
                .map(s -> Integer.parseInt(s.substring(s.indexOf(':') + 1)))
                .sorted()
                .toList();
        assertEquals(data, values, "every row once");
        assertTrue(
                out.stream().allMatch(s -> Integer.parseInt(s.substring(0, s.indexOf(':'))) <= rec.batchSize()),
                "no batch is larger than " + rec.batchSize());
        assertTrue(
                out.stream().anyMatch(s -> Integer.parseInt(s.substring(0, s.indexOf(':'))) > 1), "batches, not rows");
        Dataset<String> direct = AmorsizeSpark.mapBatches(ds, batchFn, Encoders.STRING());
        assertEquals(1200, direct.count());
    }

    @Test
    void aFailingFunctionKeepsTheDatasetWithOneWarnAndStrictModeThrows() {
        Dataset<Long> ds = spark.range(0, 500, 1, 3).as(Encoders.LONG());
        MapFunction<Long, Long> boom = x -> {
            throw new IllegalStateException("bad record " + x);
        };
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Dataset<Long> out = AmorsizeSpark.repartitionOptimal(ds, boom);
            assertSame(ds, out, "a fallback leaves the Dataset as it is");
            long warns = logs.at(Level.WARN).size();
            assertEquals(1, warns, "exactly one WARN line: " + logs.text());
        }
        Recommendation rec = AmorsizeSpark.recommend(ds, boom);
        assertEquals(Source.DEFAULT_FALLBACK, rec.source());
        assertEquals(Action.KEEP, rec.action());
        assertEquals(3, rec.partitions());
        AmorsizeException e = assertThrows(
                AmorsizeException.class,
                () -> AmorsizeSpark.recommend(
                        ds, boom, SparkTuneOptions.builder().strict(true).build()));
        assertNotNull(e.getMessage());
    }

    /**
     * AQE on, partition coalescing on: a {@code repartition(n)} with an explicit number keeps its n
     * partitions (a REPARTITION_BY_NUM shuffle), while a repartition by a column alone is coalesced;
     * the explanation says that AQE is on and what its advisory size would give.
     */
    @Test
    void aqeCoalescingLeavesAnExplicitRepartitionAlone() {
        Dataset<Long> small = spark.range(0, 200, 1, 2).as(Encoders.LONG());
        MapPartitionsFunction<Long, Integer> one = it -> List.of(1).iterator();
        int explicit = small.repartition(12)
                .mapPartitions(one, Encoders.INT())
                .collectAsList()
                .size();
        assertEquals(12, explicit, "AQE kept repartition(12)");
        int byColumn = small.repartition(small.col("id"))
                .mapPartitions(one, Encoders.INT())
                .collectAsList()
                .size();
        assertTrue(byColumn < 16, "AQE is active here and coalesces a repartition by column: " + byColumn);

        Recommendation rec = AmorsizeSpark.recommend(small, cpuLong(50));
        assertTrue(rec.explain().contains("AQE is on (spark.sql.adaptive.enabled)"), rec.explain());
        assertTrue(rec.explain().contains("would have given 1 partition for the 1600 input bytes"), rec.explain());
        Dataset<Long> tuned = AmorsizeSpark.apply(
                small, new Recommendation(7, 1, Action.REPARTITION, 2, 1, 2, List.of(), Source.COMPUTED, "test"));
        assertEquals(7, tuned.mapPartitions(one, Encoders.INT()).collectAsList().size(), "AQE keeps Amorsize's n");
    }

    /** [from, to) as a list of longs. */
    static final class LongStreamList {
        static List<Long> of(long from, long to) {
            List<Long> l = new ArrayList<>();
            for (long i = from; i < to; i++) {
                l.add(i);
            }
            return l;
        }
    }
}
