package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(FlinkCluster.class)
@Timeout(120)
class MapBatchesIT {

    private static final int BATCH = 7;
    private static final int PARALLELISM = 3;

    static Recommendation rec(int parallelism, int batch) {
        return new Recommendation(
                parallelism, batch, Action.REPARTITION, 2, Double.NaN, Double.NaN, List.of(), Source.COMPUTED, "test");
    }

    /** Tags each record with subtask, parallelism, the batch's number in the subtask and its size. */
    static final class Tagging extends AbstractRichFunction implements BatchFunction<Long, String> {
        private transient int batches;

        @Override
        public List<String> apply(List<Long> batch) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
            int n = batches++;
            List<String> out = new ArrayList<>(batch.size());
            for (Long v : batch) {
                out.add(subtask + "|" + parallelism + "|" + n + "|" + batch.size() + "|" + v);
            }
            return out;
        }
    }

    /** Records 1..n from a single source subtask, spread round-robin (so each subtask sees them in order). */
    private static DataStream<Long> input(StreamExecutionEnvironment env, long n) {
        return env.fromSequence(0, n)
                .setParallelism(1)
                .filter(x -> x > 0)
                .setParallelism(1)
                .rebalance();
    }

    private static List<String> collect(DataStream<String> out) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<String> it = out.executeAndCollect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @ParameterizedTest(name = "{0} records")
    @ValueSource(ints = {0, 1, BATCH - 1, BATCH, BATCH + 1, 100_000})
    void everyRecordComesOutOnceInOrderWithinItsSubtaskAndTheLastPartialBatchIsFlushed(int n) throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.env(2);
        List<String> rows = collect(AmorsizeFlink.mapBatches(input(env, n), new Tagging(), rec(PARALLELISM, BATCH)));

        assertEquals(n, rows.size(), "records in = records out");
        boolean[] seen = new boolean[n + 1];
        Map<Integer, List<long[]>> bySubtask = new TreeMap<>();
        for (String row : rows) {
            String[] f = row.split("\\|");
            int subtask = Integer.parseInt(f[0]);
            assertEquals(PARALLELISM, Integer.parseInt(f[1]), "operator parallelism = rec.parallelism()");
            long v = Long.parseLong(f[4]);
            assertTrue(v >= 1 && v <= n && !seen[(int) v], "value " + v + " once");
            seen[(int) v] = true;
            bySubtask
                    .computeIfAbsent(subtask, k -> new ArrayList<>())
                    .add(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3]), v});
        }
        for (Map.Entry<Integer, List<long[]>> e : bySubtask.entrySet()) {
            List<long[]> recs = e.getValue();
            // One channel per subtask into the collect sink: arrival order is emit order.
            Map<Long, Long> batchSizes = new HashMap<>();
            long previous = 0;
            long previousBatch = 0;
            for (long[] r : recs) {
                assertTrue(r[2] > previous, "subtask " + e.getKey() + ": " + r[2] + " after " + previous);
                assertTrue(r[0] >= previousBatch, "batches emitted in order");
                previous = r[2];
                previousBatch = r[0];
                batchSizes.merge(r[0], 1L, Long::sum);
                assertEquals(r[1], batchSizes.get(r[0]) <= r[1] ? r[1] : -1, "no more records than the batch had");
            }
            long last = batchSizes.keySet().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(-1);
            for (Map.Entry<Long, Long> b : batchSizes.entrySet()) {
                if (b.getKey() < last) {
                    assertEquals(BATCH, b.getValue(), "every batch but the last one is full");
                } else {
                    assertTrue(b.getValue() >= 1 && b.getValue() <= BATCH, "last batch size " + b.getValue());
                }
            }
        }
    }

    @Test
    void bufferedRecordsAreCopiedWhenObjectReuseIsOn() throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.env(2);
        env.getConfig().enableObjectReuse();
        // The map hands out one mutable instance over and over; without a copy a batch would hold
        // BATCH references to the last value.
        DataStream<Tuple2<Long, Long>> reused =
                env.fromSequence(1, 50).setParallelism(1).map(new ReusingMap()).setParallelism(1);
        BatchFunction<Tuple2<Long, Long>, Long> firsts = batch -> {
            List<Long> out = new ArrayList<>();
            batch.forEach(t -> out.add(t.f0));
            return out;
        };
        List<Long> values = new ArrayList<>();
        try (CloseableIterator<Long> it = AmorsizeFlink.mapBatches(reused, firsts, rec(1, BATCH), Types.LONG)
                .executeAndCollect()) {
            it.forEachRemaining(values::add);
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= 50; i++) {
            expected.add(i);
        }
        assertEquals(expected, values);
    }

    static final class ReusingMap
            implements org.apache.flink.api.common.functions.MapFunction<Long, Tuple2<Long, Long>> {
        private final Tuple2<Long, Long> reuse = new Tuple2<>();

        @Override
        public Tuple2<Long, Long> map(Long value) {
            reuse.f0 = value;
            reuse.f1 = value * 2;
            return reuse;
        }
    }

    @Test
    void aLambdaNeedsReturnsAndImmutableResultListsAreFine() throws Exception {
        StreamExecutionEnvironment env = FlinkCluster.env(2);
        BatchFunction<Long, String> lambda = batch -> List.of("batch of " + batch.size());
        var out = AmorsizeFlink.mapBatches(input(env, 20), lambda, rec(2, 10));
        assertThrows(
                org.apache.flink.api.common.functions.InvalidTypesException.class,
                out::getType,
                "a lambda's output type is unknown until returns()");
        List<String> rows = collect(out.returns(Types.STRING));
        assertEquals(2, rows.stream().filter(r -> r.equals("batch of 10")).count(), rows.toString());
    }

    @Test
    void badArgumentsAreNamed() {
        StreamExecutionEnvironment env = FlinkCluster.env(2);
        DataStream<Long> in = input(env, 3);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AmorsizeFlink.mapBatches(in, new Tagging(), null));
        assertTrue(e.getMessage().contains("rec"), e.getMessage());
    }
}
