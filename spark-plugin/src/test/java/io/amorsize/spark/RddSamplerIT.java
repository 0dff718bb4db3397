package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.key.InputShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RddSamplerIT {

    private JavaSparkContext jsc;
    private final SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();

    @BeforeAll
    void start() {
        jsc = SparkTestSupport.local("RddSamplerIT", Map.of());
        jsc.sc().addSparkListener(counter);
    }

    @AfterAll
    void stop() {
        if (jsc != null) {
            jsc.stop();
        }
    }

    @BeforeEach
    void reset() {
        drain();
        counter.reset();
    }

    private void drain() {
        SparkTestSupport.drain(jsc);
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void parallelizedCollectionIsKnownExactlyWithoutAJob() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(10_000), 100);
        KnownSizes known = KnownSizes.of(rdd.rdd());
        assertEquals(10_000, known.totalRecords());
        assertEquals(new InputShape(10_000, -1, 100), known.inputShape());
        assertEquals(0.01, known.largestShare(), 1e-9);
        drain();
        assertEquals(0, counter.jobs.get(), "computing the input shape must not run a job");
    }

    @Test
    void samplesOnlyTheChosenPartitionsInOneJob() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(10_000), 100);
        KnownSizes known = KnownSizes.of(rdd.rdd());
        RddSampler.Result r = RddSampler.sample(rdd.rdd(), known, 4, 200, 1_000_000_000L, new Random(1));
        drain();
        assertEquals(1, counter.jobs.get());
        assertEquals(4, counter.tasks.get(), "one task per sampled partition, not one per partition");
        assertEquals(4, r.parts().size());
        assertEquals(200, r.sampledRecords());
        r.parts().forEach(p -> assertEquals(50, p.kept));
        assertTrue(r.workload().recordsExact());
        assertEquals(10_000, r.workload().records());
    }

    @Test
    void estimatesRecordsFromFullyReadPartitionsWhenTheCountIsUnknown() {
        // a map step hides the slice sizes: the count must come from the sample
        JavaRDD<Integer> rdd = jsc.parallelize(range(8_000), 8).map(x -> x + 1);
        KnownSizes known = KnownSizes.of(rdd.rdd());
        assertEquals(-1, known.totalRecords());
        assertEquals("p4", known.inputShape().bucket());
        RddSampler.Result r = RddSampler.sample(rdd.rdd(), known, 4, 40, 1_000_000_000L, new Random(2));
        assertEquals(8_000, r.workload().records(), "4 sampled partitions of 1000 × 8");
        assertFalse(r.workload().recordsExact());
        assertEquals(0.0, r.workload().relativeError(), 1e-9, "equal partitions: no spread");
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("~8000") && n.contains("1000.0 per sampled partition")),
                r.notes().toString());
        r.parts().forEach(p -> assertTrue(p.exhausted));
    }

    @Test
    void stopsAtTheTimeBudgetOnAnEndlessPartition() {
        JavaRDD<Long> endless = jsc.parallelize(List.of(0), 1).flatMap(x -> new Endless());
        long t0 = System.nanoTime();
        RddSampler.Result r =
                RddSampler.sample(endless.rdd(), KnownSizes.of(endless.rdd()), 4, 100, 200_000_000L, new Random(3));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "sampling took " + ms + " ms");
        assertEquals(100, r.sampledRecords(), "the cap bounds what is kept");
        assertFalse(r.parts().get(0).exhausted);
        assertTrue(r.parts().get(0).recordsRead > 100, "counting continues past the cap until the budget");
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("at least")),
                r.notes().toString());
        assertTrue(r.workload().relativeError() >= 1.0);
    }

    /** Ten seconds later at every reading: shipped to the (local) executor with the sampling task. */
    private static final java.util.concurrent.atomic.AtomicLong FAKE_NOW = new java.util.concurrent.atomic.AtomicLong();

    @Test
    void theTaskBudgetRunsOnTheInjectedTickerWithoutRealTimePassing() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(4_000), 2).map(x -> x + 1);
        RddSampler.TaskTicker fast = () -> FAKE_NOW.getAndAdd(10_000_000_000L);
        RddSampler.Result r =
                RddSampler.sample(rdd.rdd(), KnownSizes.of(rdd.rdd()), 2, 400, 1_000_000_000L, new Random(5), fast);
        // a 1 s budget on a ticker that moves 10 s per reading: one record per partition, then stop
        assertEquals(2, r.parts().size());
        r.parts().forEach(p -> {
            assertFalse(p.exhausted, "stopped by the fake budget");
            assertEquals(1, p.recordsRead);
        });
        RddSampler.Result still =
                RddSampler.sample(rdd.rdd(), KnownSizes.of(rdd.rdd()), 2, 400, 1_000_000_000L, new Random(5), () -> 0L);
        still.parts().forEach(p -> assertTrue(p.exhausted, "a ticker that stands still never ends the budget"));
    }

    @Test
    void textInputEstimatesRecordsFromSplitBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lines.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            lines.add(String.format("%09d", i)); // 10 bytes per line with the newline
        }
        Files.write(file, lines);
        JavaRDD<String> rdd = jsc.textFile(file.toString(), 4);
        KnownSizes known = KnownSizes.of(rdd.rdd());
        assertEquals(1_000_000, known.totalBytes());
        assertEquals(-1, known.totalRecords());
        drain();
        assertEquals(0, counter.jobs.get(), "split sizes are known without a job");
        // a budget of 1 ns: one record per partition, then stop; the count comes from bytes
        RddSampler.Result r = RddSampler.sample(rdd.rdd(), known, 2, 100, 1, new Random(4));
        assertTrue(r.parts().stream().noneMatch(p -> p.exhausted));
        assertEquals(100_000, r.workload().records(), 1_000);
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("bytes per record")),
                r.notes().toString());
    }

    @Test
    void bigRecordsAreSampledWithinTheByteBudgetButCountedToTheEnd() {
        JavaRDD<byte[]> big = jsc.parallelize(range(120), 1).map(i -> new byte[1 << 20]); // 1 MiB each, made lazily
        RddSampler.Result r =
                RddSampler.sample(big.rdd(), KnownSizes.of(big.rdd()), 4, 2000, 5_000_000_000L, new Random(9));
        long keptBytes = (long) r.sampledRecords() << 20;
        assertTrue(keptBytes <= RddSampler.SAMPLE_BYTES, r.sampledRecords() + " records kept");
        assertTrue(r.sampledRecords() >= 3);
        assertTrue(r.parts().get(0).exhausted);
        assertEquals(120, r.parts().get(0).recordsRead);
        assertEquals(120, r.workload().records());
    }

    @Test
    void measuresTheFunctionInsideTheSamplingTasksWithWarmUp() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(4000), 4);
        ExecutorMeasurement.Budgets budgets =
                new ExecutorMeasurement.Budgets(300_000_000L, 100_000_000L, 400_000_000L, 400);
        RddSampler.Result r = RddSampler.sample(
                rdd.rdd(),
                KnownSizes.of(rdd.rdd()),
                4,
                400,
                1_000_000_000L,
                new Random(8),
                RddSampler.TaskTicker.SYSTEM,
                ExecutorMeasurement.records(Functions.cpu(200), ExecutorMeasurement.Spec.budgetsOnly(budgets)));
        drain();
        assertEquals(1, counter.jobs.get(), "sampling and measuring are one job");
        List<ExecutorMeasurement.Outcome> outs = ExecutorMeasurement.outcomes(r);
        assertEquals(4, outs.size(), "every sampling task timed its own partition");
        outs.forEach(o -> assertEquals(null, o.error()));
        io.amorsize.measure.CostProfile merged =
                ExecutorMeasurement.merge(outs.stream().map(o -> o.profile()).toList());
        double meanMicros = merged.meanNanos() / 1e3;
        assertTrue(meanMicros > 150 && meanMicros < 1000, "mean " + meanMicros + " us for a 200 us function");
        assertTrue(merged.inputBytes() > 0, "records sized with Spark's serializer");
        assertTrue(r.executorProcessors() >= 1, "the tasks report their executor's processors");
    }

    @Test
    void aFunctionFailureComesBackAsTextNotAFailedJob() {
        JavaRDD<Integer> rdd = jsc.parallelize(range(50), 1);
        ExecutorMeasurement.Budgets budgets =
                new ExecutorMeasurement.Budgets(100_000_000L, 50_000_000L, 100_000_000L, 50);
        Function<Integer, Integer> fn = x -> {
            if (x == 17) {
                throw new IllegalArgumentException("no 17 please");
            }
            return x;
        };
        RddSampler.Result r = RddSampler.sample(
                rdd.rdd(),
                KnownSizes.of(rdd.rdd()),
                1,
                50,
                1_000_000_000L,
                new Random(8),
                RddSampler.TaskTicker.SYSTEM,
                ExecutorMeasurement.records(fn, ExecutorMeasurement.Spec.budgetsOnly(budgets)));
        ExecutorMeasurement.Outcome o = ExecutorMeasurement.outcomes(r).get(0);
        assertTrue(o.error() != null && o.error().contains("no 17 please"), String.valueOf(o.error()));
    }

    @Test
    void oneMebibyteRecordsStayOnTheExecutorAndNoTaskResultIsLarge() throws Exception {
        java.util.Map<Long, Long> resultBytes = new java.util.concurrent.ConcurrentHashMap<>();
        org.apache.spark.scheduler.SparkListener sizes = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
                resultBytes.put(e.taskInfo().taskId(), e.taskMetrics().resultSize());
            }
        };
        jsc.sc().addSparkListener(sizes);
        try {
            JavaRDD<byte[]> big = jsc.parallelize(range(400), 2).map(i -> new byte[1 << 20]); // made lazily
            ExecutorMeasurement.Budgets budgets =
                    new ExecutorMeasurement.Budgets(2_000_000_000L, 50_000_000L, 100_000_000L, 2000);
            Function<byte[], Integer> fn = b -> b.length;
            RddSampler.Probe<byte[]> probe =
                    ExecutorMeasurement.records(fn, ExecutorMeasurement.Spec.budgetsOnly(budgets));
            RddSampler.SampleTask<byte[]> task = new RddSampler.SampleTask<>(
                    1000, RddSampler.SAMPLE_BYTES / 2, 2_000_000_000L, RddSampler.TaskTicker.SYSTEM, probe);
            java.io.ByteArrayOutputStream shipped = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(shipped)) {
                out.writeObject(task);
            }
            assertTrue(shipped.size() < 64 * 1024, "the task sent is small: " + shipped.size() + " bytes");
            RddSampler.Result r = RddSampler.sample(
                    big.rdd(),
                    KnownSizes.of(big.rdd()),
                    2,
                    2000,
                    2_000_000_000L,
                    new Random(3),
                    RddSampler.TaskTicker.SYSTEM,
                    probe);
            drain();
            for (RddSampler.PartSample p : r.parts()) {
                assertTrue(
                        p.kept >= 3 && (long) p.kept << 20 <= RddSampler.SAMPLE_BYTES / 2,
                        p.kept + " records of 1 MiB kept in one task");
                assertEquals(200, p.recordsRead, "counted to the end");
            }
            assertEquals(400, r.workload().records());
            assertEquals(2, resultBytes.size());
            resultBytes.values().forEach(b -> assertTrue(b < 1 << 20, "task result of " + b + " bytes"));
        } finally {
            jsc.sc().removeSparkListener(sizes);
        }
    }

    /** Never ends; a static class so the closure does not capture the test. */
    static final class Endless implements Iterator<Long> {
        private long i;

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Long next() {
            return i++;
        }
    }

    @Test
    void choosesDistinctPartitions() {
        List<Integer> c = RddSampler.choose(10_000, 4, new Random(5));
        assertEquals(4, c.stream().distinct().count());
        assertEquals(List.of(0, 1, 2), RddSampler.choose(3, 4, new Random(5)));
    }
}
