package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.model.ClusterShape;
import io.amorsize.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.logging.log4j.Level;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.CollectionAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The facade on {@code local[2]} with the local-file cache. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmorsizeSparkIT {

    private JavaSparkContext jsc;
    private final SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("amorsize-spark-test");
        jsc = SparkTestSupport.local(
                "AmorsizeSparkIT",
                Map.of(
                        "spark.amorsize.cache.dir",
                        dir.toString(),
                        "spark.amorsize.cache.prefix",
                        "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":",
                        "spark.amorsize.measure.budget",
                        "500ms",
                        "spark.amorsize.measure.warmup-budget",
                        "200ms"));
        jsc.sc().addSparkListener(counter);
    }

    @AfterAll
    void stop() {
        if (jsc != null) {
            jsc.stop();
        }
        io.amorsize.cache.SharedStores.closeApplication();
    }

    @BeforeEach
    void reset() {
        SparkTestSupport.drain(jsc);
        counter.reset();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void cpuHeavyFunctionOnOnePartitionIsSpreadOverTheSlotsThenCached() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(3000), 1);
        Function<Integer, Integer> fn = Functions.cpu(300);
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            JavaRDD<Integer> tuned = AmorsizeSpark.repartitionOptimal(rdd, fn);
            assertTrue(
                    tuned.getNumPartitions() >= 2,
                    "1 partition of ~0.9 s work on 2 slots: " + tuned.getNumPartitions());
            assertEquals(
                    rdd.map(fn).collect().stream().sorted().toList(),
                    tuned.map(fn).collect().stream().sorted().toList());
            List<String> info = messages(logs, Level.INFO).stream()
                    .filter(l -> l.contains("amorsize: 1 -> "))
                    .toList();
            assertEquals(1, info.size(), logs.lines().toString());
            assertTrue(info.get(0).contains("(measured"), info.get(0));
            assertTrue(
                    Pattern.compile("; measured [\\d,]+ records in 1 task, \\d+ ms; stopped: \\S")
                            .matcher(info.get(0))
                            .find(),
                    "the INFO line shows the tuning spend and why measuring stopped: " + info.get(0));
            assertEquals(List.of(), logs.at(Level.WARN));
        }
        SparkTestSupport.drain(jsc);
        assertEquals(1, counter.phase("sample"));
        assertEquals(0, counter.phase("measure"), "the function is timed inside the sampling job");
        assertEquals(0, counter.phase("calibrate"));

        // same function, same input: answered from the cache with no Spark job at all
        counter.reset();
        Recommendation again = AmorsizeSpark.recommend(rdd, fn);
        SparkTestSupport.drain(jsc);
        assertTrue(again.cacheHit(), again.toString());
        assertEquals(0, counter.amorsizeJobs(), counter.jobsByPhase.toString());
        assertEquals(0, counter.jobs.get());
    }

    @Test
    void aMissRunsExactlyOneJobEvenWhenTheClusterOverheadIsNotKnown() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(2000), 4);
        AmorsizeSpark.forgetCalibration(); // nothing known: the overhead must come from the sampling job itself
        jsc.parallelize(range(4), 2).count(); // the executor's first task is never an observation
        SparkTestSupport.drain(jsc);
        counter.reset();
        Recommendation cold = AmorsizeSpark.recommend(
                rdd,
                Functions.cpu(100),
                SparkTuneOptions.builder().function("one-job-cold", "1").build());
        SparkTestSupport.drain(jsc);
        assertEquals(Source.COMPUTED, cold.source(), cold.explain());
        assertEquals(1, counter.jobs.get(), "one job for a miss, calibration included: " + counter.jobsByPhase);
        assertEquals(1, counter.phase("sample"));
        assertEquals(4, counter.tasks.get(), "one task per sampled partition");
        assertTrue(cold.explain().contains("from the sampling job's 4 tasks"), cold.explain());
        assertTrue(cold.explain().contains("in 4 tasks"), cold.explain());

        // the overhead is known now: the next miss is one job as well, and says where the overhead came from
        counter.reset();
        Recommendation next = AmorsizeSpark.recommend(
                rdd,
                Functions.cpu(150),
                SparkTuneOptions.builder().function("one-job-warm", "1").build());
        SparkTestSupport.drain(jsc);
        assertEquals(Source.COMPUTED, next.source(), next.explain());
        assertEquals(1, counter.jobs.get(), counter.jobsByPhase.toString());
        assertTrue(next.explain().contains("from this driver's earlier decisions"), next.explain());
    }

    @Test
    void theListenerSeesTheApplicationsTasksWithoutAnyJobOfItsOwn() {
        AmorsizeListener listener = AmorsizeListener.of(jsc.sc());
        assertSame(listener, AmorsizeListener.of(jsc.sc()), "one listener per SparkContext");
        List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        listener.addObserver(new AmorsizeListener.Observer() {
            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd event) {
                seen.add(event.taskInfo().index());
            }
        });
        jsc.parallelize(range(4), 2).count(); // the executor's first task is never an observation
        SparkTestSupport.drain(jsc);
        seen.clear();
        AmorsizeSpark.forgetCalibration();
        jsc.parallelize(range(100), 10).map(x -> x + 1).count(); // a job of the application's own
        SparkTestSupport.drain(jsc);
        assertEquals(10, seen.size(), "a second observer gets every task end");
        List<Double> o = listener.overheads().recent();
        assertEquals(10, o.size());
        o.forEach(x -> assertTrue(x >= 0 && x < 1e9, "per-task overhead " + x + " ns"));
        // enough tasks of the application's own: the next miss runs its one job only
        counter.reset();
        Recommendation rec = AmorsizeSpark.recommend(
                jsc.parallelize(range(500), 2),
                Functions.cpu(50),
                SparkTuneOptions.builder().function("listener-only", "1").build());
        SparkTestSupport.drain(jsc);
        assertTrue(rec.explain().contains("tasks the application ran"), rec.explain());
        assertEquals(1, counter.jobs.get());
    }

    @Test
    void tenThousandTinyPartitionsAreCoalescedWithoutTouchingThemAll() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(20_000), 10_000);
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeSpark.recommend(rdd, x -> x + 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        SparkTestSupport.drain(jsc);
        assertEquals(Action.COALESCE, rec.action(), rec.explain());
        assertTrue(rec.partitions() < 1000, rec.toString());
        assertTrue(ms < 20_000, "tuning took " + ms + " ms");
        counter.tasksByJob
                .values()
                .forEach(n -> assertTrue(n <= 100, "a job of " + n + " tasks: " + counter.tasksByJob));
        JavaRDD<Integer> tuned = AmorsizeSpark.apply(rdd, rec);
        assertEquals(rec.partitions(), tuned.getNumPartitions());
        assertEquals(20_000, tuned.count());
    }

    @Test
    void emptyInputsAreLeftAloneWithoutAJobOrWarning() {
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            JavaRDD<Integer> empty = jsc.parallelize(new ArrayList<Integer>(), 3);
            assertSame(empty, AmorsizeSpark.repartitionOptimal(empty, Functions.cpu(10)));
            JavaRDD<Integer> none = jsc.emptyRDD();
            assertSame(none, AmorsizeSpark.repartitionOptimal(none, Functions.cpu(10)));
            assertEquals(List.of(), logs.at(Level.WARN));
        }
        SparkTestSupport.drain(jsc);
        assertEquals(0, counter.jobs.get());
    }

    @Test
    void singleRecordInput() {
        JavaRDD<Integer> one = jsc.parallelize(List.of(41), 1);
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            JavaRDD<Integer> tuned = AmorsizeSpark.repartitionOptimal(one, x -> x + 1);
            assertEquals(1, tuned.getNumPartitions());
            assertEquals(List.of(42), tuned.map(x -> x + 1).collect());
            assertEquals(List.of(), logs.at(Level.WARN));
        }
    }

    @Test
    void functionThrowingOnASampledRecordKeepsTheRddWithOneWarn() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(500), 1);
        Function<Integer, Integer> fn = x -> {
            if (x == 17) {
                throw new IllegalStateException("bad record");
            }
            return x;
        };
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            assertSame(rdd, AmorsizeSpark.repartitionOptimal(rdd, fn));
            List<String> warn = messages(logs, Level.WARN);
            assertEquals(1, warn.size(), logs.lines().toString());
            assertTrue(warn.get(0).contains("bad record"), warn.get(0));
        }
        AmorsizeException e = assertThrows(
                AmorsizeException.class,
                () -> AmorsizeSpark.repartitionOptimal(
                        rdd,
                        fn,
                        SparkTuneOptions.builder()
                                .strict(true)
                                .function("throws", "1")
                                .build()));
        assertTrue(e.getMessage().contains("bad record"), e.getMessage());
    }

    @Test
    void mapBatchesCallsTheFunctionOncePerBatchOfTheRecommendedSize() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(4000), 2);
        CollectionAccumulator<Integer> sizes = jsc.sc().collectionAccumulator("batch sizes");
        Function<List<Integer>, List<Integer>> inner = Functions.batched(2000, 2);
        JavaRDD<Integer> out = AmorsizeSpark.mapBatches(rdd, batch -> {
            sizes.add(batch.size());
            return inner.call(batch);
        });
        sizes.reset(); // forget the calls made while measuring
        List<Integer> got = out.collect();
        assertEquals(4000, got.size());
        assertEquals(range(4000).stream().map(x -> x + 1).collect(Collectors.toSet()), Set.copyOf(got));
        // the user's job: one call per batch; a 2 ms fixed cost against 2 us per record wants big batches
        List<Integer> seen = sizes.value().stream().filter(n -> n > 0).toList();
        int max = seen.stream().mapToInt(Integer::intValue).max().orElse(0);
        assertTrue(max >= 50, "batch sizes " + seen);
        long fullBatches = seen.stream().filter(n -> n == max).count();
        assertTrue(
                seen.size() - fullBatches <= out.getNumPartitions(),
                "only each partition's last batch is partial: " + seen);
    }

    @Test
    void targetClusterOverridePlansForThatCluster() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(3000), 1);
        ClusterShape big = new ClusterShape("spark", "4.1.1", 16, 1L << 30, 2_000_000);
        Recommendation rec = AmorsizeSpark.recommend(
                rdd,
                Functions.cpu(400),
                SparkTuneOptions.builder()
                        .targetCluster(big)
                        .function("target-cluster", "1")
                        .build());
        assertEquals(Source.COMPUTED, rec.source(), rec.explain());
        assertTrue(rec.partitions() > 2, "1.2 s of work planned for 16 slots, not the 2 local ones: " + rec);
    }

    @Test
    void badPerCallOptionsNameTheArgument() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SparkTuneOptions.builder().function(" ", "1"));
        assertTrue(e.getMessage().startsWith("id "), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> SparkTuneOptions.builder().sampleBudget(java.time.Duration.ZERO));
        assertTrue(e.getMessage().startsWith("budget "), e.getMessage());
    }

    @Test
    void explicitFunctionIdentityIsTheCacheKey() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(2000), 2);
        SparkTuneOptions id =
                SparkTuneOptions.builder().function("shared-fn", "1").build();
        Recommendation first = AmorsizeSpark.recommend(rdd, Functions.cpu(50), id);
        assertEquals(Source.COMPUTED, first.source());
        // another lambda object under the same id and version reuses the profile
        Recommendation second = AmorsizeSpark.recommend(rdd, x -> x * 3, id);
        assertTrue(second.cacheHit(), second.toString());
        assertEquals(first.partitions(), second.partitions());
    }

    private static List<String> messages(LogCapture logs, Level level) {
        return logs.at(level).stream().map(LogCapture.Line::message).toList();
    }
}
