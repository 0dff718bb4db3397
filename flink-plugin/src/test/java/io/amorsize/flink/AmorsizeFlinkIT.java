package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.AmorsizeException;
import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FlinkCluster.class)
@Timeout(120)
class AmorsizeFlinkIT {

    /** Fast enough for CI, long enough for a stable per-record cost. */
    static final FlinkTuneOptions QUICK =
            FlinkTuneOptions.builder().measureBudget(Duration.ofMillis(600)).build();

    @TempDir
    java.nio.file.Path tmp;

    static List<Long> sample(int n) {
        return new ArrayList<>(LongStream.rangeClosed(1, n).boxed().toList());
    }

    /** Busy-spins {@code micros} per record and counts its calls (measurement shows as calls). */
    static final class Spin implements MapFunction<Long, Long> {
        static final AtomicInteger CALLS = new AtomicInteger();
        private final long micros;

        Spin(long micros) {
            this.micros = micros;
        }

        @Override
        public Long map(Long value) {
            CALLS.incrementAndGet();
            long end = System.nanoTime() + micros * 1000;
            long x = value;
            while (System.nanoTime() < end) {
                x = x * 31 + 7;
            }
            return value + (x == 42 ? 1 : 0);
        }
    }

    /** Reports the subtask index and operator parallelism each record was processed with. */
    static final class WhereAmI extends RichMapFunction<Long, String> {
        @Override
        public String map(Long value) {
            return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + "/"
                    + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        }
    }

    /** Runs fn with the recommended parallelism and returns the subtask/parallelism pairs observed. */
    static Set<String> runWith(
            StreamExecutionEnvironment env, MapFunction<Long, Long> fn, Recommendation rec, long records)
            throws Exception {
        Set<String> seen = new TreeSet<>();
        // One source subtask, spread round-robin: every map subtask gets records (a parallel
        // sequence source hands splits out on demand, so a subtask could get none).
        try (CloseableIterator<String> it = env.fromSequence(1, records)
                .setParallelism(1)
                .rebalance()
                .map(fn)
                .setParallelism(rec.parallelism())
                .map(new WhereAmI())
                .setParallelism(rec.parallelism())
                .executeAndCollect()) {
            it.forEachRemaining(seen::add);
        }
        return seen;
    }

    @Test
    void theTunedParallelismLandsInTheExecutedJob() throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.env(1);
        Spin fn = new Spin(300);
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            // 300 µs x 40,000 records = 12 s of work on the default parallelism of 1; 4 slots.
            Recommendation rec = AmorsizeFlink.tune(env, sample(300), fn, 40_000, QUICK);
            assertEquals(Source.COMPUTED, rec.source(), rec.explain());
            assertEquals(1, rec.currentPartitions());
            assertTrue(rec.parallelism() > 1 && rec.parallelism() <= FlinkCluster.SLOTS, rec.toString());
            List<LogCapture.Line> info = logs.at(Level.INFO);
            assertEquals(1, info.size(), "one INFO line per decision: " + logs.lines());
            assertTrue(
                    info.get(0).message().contains("1 -> " + rec.parallelism()),
                    info.get(0).message());
            assertTrue(logs.at(Level.WARN).isEmpty(), logs.lines().toString());
            // A remote environment: measured by a job on a task manager of the cluster (MeasureOn.AUTO).
            assertTrue(rec.explain().contains("measured on a task manager"), rec.explain());

            Set<String> seen = runWith(env, new Spin(1), rec, 2_000);
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < rec.parallelism(); i++) {
                expected.add(i + "/" + rec.parallelism());
            }
            assertEquals(expected, seen, "every subtask of the tuned parallelism ran");
        }
    }

    @Test
    void aLocalEnvironmentWithTwoTaskManagersTimesTwoSlotsRunsTheTunedJob() throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.localEnv(1, new Configuration());
        Recommendation rec = AmorsizeFlink.tune(env, sample(300), new Spin(250), 40_000, QUICK);
        assertTrue(rec.parallelism() > 1 && rec.parallelism() <= FlinkCluster.SLOTS, rec.toString());
        Set<String> seen = runWith(env, new Spin(1), rec, 1_000);
        assertEquals(rec.parallelism(), seen.size(), seen.toString());
        assertTrue(seen.stream().allMatch(s -> s.endsWith("/" + rec.parallelism())), seen.toString());
    }

    @Test
    void aSecondTuneOfTheSameFunctionAndWorkloadIsACacheHitWithoutMeasurement() {
        StreamExecutionEnvironment env = FlinkCluster.env(2);
        Spin fn = new Spin(97); // captured value makes the fingerprint unique to this test
        Recommendation first = AmorsizeFlink.tune(env, sample(200), fn, 30_000, QUICK);
        assertEquals(Source.COMPUTED, first.source(), first.explain());
        int callsAfterFirst = Spin.CALLS.get();

        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation second = AmorsizeFlink.tune(env, sample(200), fn, 30_000, QUICK);
            assertTrue(second.cacheHit(), second.toString());
            assertEquals(callsAfterFirst, Spin.CALLS.get(), "no call of the function: nothing measured");
            assertEquals(first.parallelism(), second.parallelism());
            assertEquals(first.batchSize(), second.batchSize());
            assertEquals(1, logs.at(Level.INFO).size(), logs.lines().toString());
            assertTrue(
                    logs.at(Level.INFO).get(0).message().contains("hit"),
                    logs.lines().toString());
        }
    }

    @Test
    void aFunctionThatThrowsOnASampledRecordKeepsTheDefaultParallelismWithOneWarning() throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.env(3);
        MapFunction<Long, Long> failing = v -> {
            if (v == 17) {
                throw new IllegalStateException("bad record seventeen");
            }
            return v * 2;
        };
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation rec = AmorsizeFlink.tune(env, sample(100), failing, 50_000, QUICK);
            assertEquals(Source.DEFAULT_FALLBACK, rec.source());
            assertEquals(3, rec.parallelism(), "the environment's default parallelism");
            assertEquals(1, rec.batchSize());
            List<LogCapture.Line> warns = logs.at(Level.WARN);
            assertEquals(1, warns.size(), logs.lines().toString());
            assertTrue(
                    warns.get(0).message().contains("bad record seventeen"),
                    warns.get(0).message());
            assertTrue(
                    rec.warnings().stream().anyMatch(w -> w.contains("bad record seventeen")),
                    rec.warnings().toString());
        }
        // the job still runs with the fallback
        assertEquals(3, runWith(env, v -> v, rec(env, failing), 100).size());

        FlinkTuneOptions strict = FlinkTuneOptions.builder().strict(true).build();
        AmorsizeException e = assertThrows(
                AmorsizeException.class, () -> AmorsizeFlink.tune(env, sample(100), failing, 50_000, strict));
        assertTrue(
                String.valueOf(e.getMessage()).contains("seventeen")
                        || String.valueOf(e.getCause()).contains("seventeen"),
                String.valueOf(e));
    }

    private static Recommendation rec(StreamExecutionEnvironment env, MapFunction<Long, Long> fn) {
        return AmorsizeFlink.tune(env, sample(100), fn, 50_000, QUICK);
    }

    @Test
    void disabledTuningMeasuresNothingAndKeepsTheDefault() {
        Configuration conf = new Configuration();
        conf.set(AmorsizeOptions.ENABLED, false);
        StreamExecutionEnvironment env = FlinkCluster.env(2, conf);
        Spin fn = new Spin(5);
        int before = Spin.CALLS.get();
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation rec = AmorsizeFlink.tune(env, sample(50), fn, 1_000_000);
            assertEquals(Source.DEFAULT_FALLBACK, rec.source());
            assertEquals(2, rec.parallelism());
            assertEquals(before, Spin.CALLS.get());
            assertTrue(logs.at(Level.WARN).isEmpty(), logs.lines().toString());
        }
    }

    @Test
    void aBadOptionInTheFlinkConfigurationFallsBackNamingTheKey() {
        Configuration conf = new Configuration();
        conf.setString("amorsize.measure.budget", "soon");
        StreamExecutionEnvironment env = FlinkCluster.env(2, conf);
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation rec = AmorsizeFlink.tune(env, sample(50), new Spin(5), 10_000);
            assertEquals(Source.DEFAULT_FALLBACK, rec.source());
            assertEquals(1, logs.at(Level.WARN).size());
            assertTrue(logs.at(Level.WARN).get(0).message().contains("amorsize.measure.budget"));
        }
        assertThrows(IllegalArgumentException.class, () -> AmorsizeFlink.tune(null, sample(5), new Spin(1), 5));
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class, () -> AmorsizeFlink.tune(env, List.<Long>of(), new Spin(1), 5));
        assertTrue(empty.getMessage().contains("sample"), empty.getMessage());
        List<Long> withNull = new ArrayList<>(List.of(1L, 2L));
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> AmorsizeFlink.tune(env, withNull, new Spin(1), 5));
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> AmorsizeFlink.tune(env, List.of(1L, 2L), new Spin(1), 5, QUICK), "an immutable sample list");
        IllegalArgumentException neg =
                assertThrows(IllegalArgumentException.class, () -> AmorsizeFlink.tune(env, sample(5), new Spin(1), -1));
        assertTrue(neg.getMessage().contains("expectedRecords"), neg.getMessage());
    }

    @Test
    void slotsGivenPerCallNeedNoClusterToAsk() throws Exception {
        StreamExecutionEnvironment unreachable = StreamExecutionEnvironment.createRemoteEnvironment(
                "127.0.0.1", SessionCluster.freePort(), FlinkCluster.withCache(new Configuration()));
        unreachable.setParallelism(2);
        Recommendation failed = AmorsizeFlink.tune(unreachable, sample(100), new Spin(303), 40_000, QUICK);
        assertEquals(Source.DEFAULT_FALLBACK, failed.source(), "the REST API cannot be read");
        assertEquals(2, failed.parallelism());
        FlinkTuneOptions sixteen = FlinkTuneOptions.builder()
                .measureBudget(Duration.ofMillis(600))
                .slots(16)
                .build();
        Recommendation rec = AmorsizeFlink.tune(unreachable, sample(100), new Spin(303), 40_000, sixteen);
        assertEquals(Source.COMPUTED, rec.source(), rec.toString());
        assertTrue(rec.parallelism() > 4, "sized for 16 slots: " + rec);
    }

    @Test
    void keyedOperatorsGetADivisorOfTheMaxParallelism() {
        StreamExecutionEnvironment env = FlinkCluster.env(1);
        FlinkTuneOptions keyed = FlinkTuneOptions.builder()
                .measureBudget(Duration.ofMillis(600))
                .maxParallelism(6)
                .keyed(true)
                .build();
        Recommendation rec = AmorsizeFlink.tune(env, sample(200), new Spin(301), 40_000, keyed);
        assertNotEquals(Source.DEFAULT_FALLBACK, rec.source(), rec.toString());
        assertTrue(rec.parallelism() > 1 && 6 % rec.parallelism() == 0, rec.toString());
    }

    @Test
    void aTextInputIsSampledAtSpreadOffsetsAndItsSizeEstimated() throws Exception {
        java.nio.file.Path file = tmp.resolve("input.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            sb.append("record-").append(String.format("%08d", i)).append(",payload\n");
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8); // 1.5 MB, more than a whole read
        StreamExecutionEnvironment env = FlinkCluster.env(1);
        MapFunction<String, Integer> parse = line -> {
            long end = System.nanoTime() + 200_000;
            int h = line.hashCode();
            while (System.nanoTime() < end) {
                h = h * 31 + 1;
            }
            return h;
        };
        Recommendation rec = AmorsizeFlink.tune(env, new Path(file.toUri()), parse, QUICK);
        assertEquals(Source.COMPUTED, rec.source(), rec.toString());
        assertTrue(rec.parallelism() > 1, rec.toString());
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("~(\\d+) lines estimated").matcher(rec.explain());
        assertTrue(m.find(), rec.explain());
        assertEquals(60_000, Long.parseLong(m.group(1)), 60_000 * 0.05, rec.explain());

        Recommendation again = AmorsizeFlink.tune(env, new Path(file.toUri()), parse, QUICK);
        assertTrue(again.cacheHit(), "same function, same input bytes: " + again);
        assertEquals(rec.parallelism(), again.parallelism());

        java.nio.file.Path empty = Files.createFile(tmp.resolve("empty.txt"));
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation none = AmorsizeFlink.tune(env, new Path(empty.toUri()), parse, QUICK);
            assertEquals(Source.DEFAULT_FALLBACK, none.source());
            assertEquals(1, none.parallelism());
            assertTrue(logs.at(Level.WARN).isEmpty(), "an empty input is not a failure: " + logs.lines());
        }
    }

    /** An I/O-like batch function: 4 ms per call plus 20 µs per record. */
    static final class Lookup implements BatchFunction<Long, Long> {
        @Override
        public List<Long> apply(List<Long> batch) throws InterruptedException {
            Thread.sleep(4);
            long end = System.nanoTime() + 20_000L * batch.size();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            List<Long> out = new ArrayList<>(batch.size());
            for (Long v : batch) {
                out.add(v + 1);
            }
            return out;
        }
    }

    @Test
    void tuneBatchesRecommendsABatchSizeThatMapBatchesRuns() throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.env(1);
        Recommendation rec = AmorsizeFlink.tuneBatches(env, sample(400), new Lookup(), 20_000, QUICK);
        assertEquals(Source.COMPUTED, rec.source(), rec.explain());
        assertTrue(rec.batchSize() > 10, "a 4 ms fixed cost per call wants large batches: " + rec);
        long sum = 0;
        long count = 0;
        try (CloseableIterator<Long> it = AmorsizeFlink.mapBatches(
                        env.fromSequence(1, 5_000), new Lookup(), rec, Types.LONG)
                .executeAndCollect()) {
            while (it.hasNext()) {
                sum += it.next();
                count++;
            }
        }
        assertEquals(5_000, count);
        assertEquals(5_000L * 5_001 / 2 + 5_000, sum);
        assertFalse(
                rec.warnings().stream().anyMatch(w -> w.contains("fallback")),
                rec.warnings().toString());
    }
}
