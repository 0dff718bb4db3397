package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.apache.flink.streaming.api.functions.source.legacy.SourceFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batching operator's Flink metrics (read through a real metric reporter) and its flush before a
 * checkpoint barrier: in a STREAMING job with checkpointing on, records of a partial batch reach the
 * sink before the checkpoint completes, while the input is still open (no end-of-input flush).
 */
@Timeout(120)
class BatchingMetricsCheckpointIT {

    private static StreamExecutionEnvironment env(RuntimeExecutionMode mode) {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.capture.factory.class", CapturingReporter.Factory.class.getName());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    static Recommendation rec(int batch) {
        return MapBatchesIT.rec(1, batch);
    }

    /** Counts the batches it sees and their sizes. */
    static final class Sizes implements BatchFunction<Long, Long> {
        static final List<Integer> SEEN = new CopyOnWriteArrayList<>();

        @Override
        public List<Long> apply(List<Long> batch) {
            SEEN.add(batch.size());
            return new ArrayList<>(batch);
        }
    }

    private static long counter(Map<String, Metric> metrics, String name) {
        Metric m = only(metrics, ".amorsize." + name);
        return ((Counter) m).getCount();
    }

    private static Metric only(Map<String, Metric> metrics, String suffix) {
        List<Metric> found = new ArrayList<>();
        metrics.forEach((k, v) -> {
            if (k.endsWith(suffix)) {
                found.add(v);
            }
        });
        assertEquals(1, found.size(), () -> "one " + suffix + " in " + metrics.keySet());
        return found.get(0);
    }

    @Test
    void boundedJobReportsBatchesRecordsFlushesAndBatchSize() throws Exception {
        String job = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        Sizes.SEEN.clear();
        StreamExecutionEnvironment env = env(RuntimeExecutionMode.BATCH);
        AmorsizeFlink.mapBatches(env.fromSequence(1, 2_500).setParallelism(1), new Sizes(), rec(1_000), Types.LONG)
                .addSink(new DiscardingSink<>());
        env.execute(job);

        Map<String, Metric> metrics = CapturingReporter.matching(job);
        assertEquals(List.of(1_000, 1_000, 500), Sizes.SEEN);
        assertEquals(3, counter(metrics, "batches"));
        assertEquals(2_500, counter(metrics, "records"));
        assertEquals(1, counter(metrics, "flushes"), "only the last partial batch is flushed early");
        assertEquals(1_000, ((Gauge<?>) only(metrics, ".amorsize.batchSize")).getValue());
    }

    // ------------------------------------------------------------------ checkpoint flush

    /** Set when a completed checkpoint's sink snapshot had seen every record: the source may end. */
    static final CountDownLatch SEEN_BEFORE_CHECKPOINT = new CountDownLatch(1);

    static final Map<Long, Integer> SINK_COUNT_AT_SNAPSHOT = new ConcurrentHashMap<>();
    static final AtomicInteger SINK_RECORDS = new AtomicInteger();
    static final int RECORDS = 5;

    /** Emits {@link #RECORDS} records, then keeps the input open until a checkpoint has carried them. */
    static final class OpenSource implements SourceFunction<Long> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<Long> ctx) throws Exception {
            for (long i = 0; i < RECORDS; i++) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(i);
                }
            }
            // Wait for the event (bounded): without the pre-barrier flush it never comes, and the
            // assertions below fail instead of the test hanging.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (running
                    && System.nanoTime() < deadline
                    && !SEEN_BEFORE_CHECKPOINT.await(100, TimeUnit.MILLISECONDS)) {
                // the latch is the event; the loop only re-checks cancellation
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Counts records; remembers the count at each checkpoint's snapshot and releases the source on completion. */
    static final class CheckpointedSink extends RichSinkFunction<Long>
            implements CheckpointedFunction, CheckpointListener {
        @Override
        public void invoke(Long value, Context context) {
            SINK_RECORDS.incrementAndGet();
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            SINK_COUNT_AT_SNAPSHOT.put(context.getCheckpointId(), SINK_RECORDS.get());
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Integer seen = SINK_COUNT_AT_SNAPSHOT.get(checkpointId);
            if (seen != null && seen == RECORDS) {
                SEEN_BEFORE_CHECKPOINT.countDown();
            }
        }
    }

    @Test
    void aPartialBatchIsFlushedBeforeTheCheckpointBarrier() throws Exception {
        String job = "checkpoint-" + UUID.randomUUID().toString().substring(0, 8);
        Sizes.SEEN.clear();
        StreamExecutionEnvironment env = env(RuntimeExecutionMode.STREAMING);
        env.enableCheckpointing(200);
        AmorsizeFlink.mapBatches(
                        env.addSource(new OpenSource(), Types.LONG).setParallelism(1),
                        new Sizes(),
                        rec(1_000),
                        Types.LONG)
                .addSink(new CheckpointedSink())
                .setParallelism(1);
        env.execute(job);

        assertEquals(
                0,
                SEEN_BEFORE_CHECKPOINT.getCount(),
                "a completed checkpoint's sink snapshot saw all " + RECORDS + " records while the input was open: "
                        + SINK_COUNT_AT_SNAPSHOT);
        assertEquals(RECORDS, Sizes.SEEN.get(0), "the first batch is the partial one flushed before the barrier");
        assertEquals(RECORDS, SINK_RECORDS.get());
        Map<String, Metric> metrics = CapturingReporter.matching(job);
        assertEquals(RECORDS, counter(metrics, "records"));
        assertTrue(counter(metrics, "flushes") >= 1);
        assertEquals(
                counter(metrics, "batches"), counter(metrics, "flushes"), "every batch was partial, flushed early");
    }
}
