package io.amorsize.flink;

import io.amorsize.BatchFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.RichFunction;
import org.apache.flink.api.common.functions.util.FunctionUtils;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Buffers a subtask's records into batches of {@code batchSize}, calls the batch function once per
 * batch and emits its results in order. The last, partial batch is flushed at end of input
 * ({@link #endInput()}, called for bounded inputs in BATCH and STREAMING mode) and before every
 * checkpoint barrier, so no record is lost or held across a checkpoint.
 *
 * <p>Each batch is a fresh {@link ArrayList} the function may keep. With object reuse enabled,
 * buffered records are copied first (the upstream may reuse the instance). A batch function that
 * also implements {@link RichFunction} gets the runtime context and open/close.
 *
 * <p>Operator metrics, in the group {@value #METRIC_GROUP} of the operator's metric group:
 * {@value #BATCHES} (calls of the batch function), {@value #RECORDS} (records passed to it),
 * {@value #FLUSHES} (partial batches sent early: before a checkpoint barrier, at end of input or at
 * finish) and the gauge {@value #BATCH_SIZE} (the configured batch size).
 */
final class BatchingOperator<T, R> extends AbstractStreamOperator<R>
        implements OneInputStreamOperator<T, R>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** The metric group under the operator's group. */
    static final String METRIC_GROUP = "amorsize";

    static final String BATCHES = "batches";
    static final String RECORDS = "records";
    static final String FLUSHES = "flushes";
    static final String BATCH_SIZE = "batchSize";

    private final BatchFunction<T, R> function;
    private final int batchSize;

    private transient List<T> buffer;
    private transient TypeSerializer<T> copier;
    private transient StreamRecord<R> reuse;
    /** Accumulator name prefix for the observed records and busy time, or null (not observed). */
    private final String observeAs;

    private transient org.apache.flink.api.common.accumulators.LongCounter observedRecords;
    private transient org.apache.flink.api.common.accumulators.LongCounter busyNanos;
    private transient Counter batches;
    private transient Counter records;
    private transient Counter flushes;

    BatchingOperator(BatchFunction<T, R> function, int batchSize) {
        this(function, batchSize, null);
    }

    /**
     * @param observeAs when not null, records and the time spent in {@code function} are added to the
     *                  accumulators {@code observeAs + ".records"} and {@code observeAs + ".busyNanos"}
     *                  (read back from the JobExecutionResult by {@link FlinkObserver})
     */
    BatchingOperator(BatchFunction<T, R> function, int batchSize, String observeAs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.function = function;
        this.batchSize = batchSize;
        this.observeAs = observeAs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new ArrayList<>(Math.min(batchSize, 1 << 16));
        reuse = new StreamRecord<>(null);
        MetricGroup metrics = getMetricGroup().addGroup(METRIC_GROUP);
        batches = metrics.counter(BATCHES);
        records = metrics.counter(RECORDS);
        flushes = metrics.counter(FLUSHES);
        int size = batchSize;
        metrics.gauge(BATCH_SIZE, () -> size);
        if (getExecutionConfig().isObjectReuseEnabled()) {
            copier = getOperatorConfig().getTypeSerializerIn(0, getUserCodeClassloader());
        }
        if (function instanceof RichFunction rich) {
            FunctionUtils.setFunctionRuntimeContext(rich, getRuntimeContext());
            FunctionUtils.openFunction(rich, DefaultOpenContext.INSTANCE);
        }
        if (observeAs != null) {
            observedRecords = new org.apache.flink.api.common.accumulators.LongCounter();
            busyNanos = new org.apache.flink.api.common.accumulators.LongCounter();
            getRuntimeContext().addAccumulator(observeAs + FlinkObserver.RECORDS, observedRecords);
            getRuntimeContext().addAccumulator(observeAs + FlinkObserver.BUSY, busyNanos);
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        T value = element.getValue();
        buffer.add(copier == null ? value : copier.copy(value));
        if (buffer.size() >= batchSize) {
            flush(false);
        }
    }

    @Override
    public void endInput() throws Exception {
        flush(true);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(true);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush(true);
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (function instanceof RichFunction rich) {
                FunctionUtils.closeFunction(rich);
            }
        } finally {
            super.close();
        }
    }

    /** Calls the function on the buffered records; {@code early}: a partial batch (barrier, end, finish). */
    private void flush(boolean early) throws Exception {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        List<T> batch = buffer;
        batches.inc();
        records.inc(batch.size());
        if (early) {
            flushes.inc();
        }
        buffer = new ArrayList<>(Math.min(batchSize, 1 << 16));
        long t0 = observedRecords == null ? 0 : System.nanoTime();
        List<R> results = function.apply(batch);
        if (observedRecords != null) {
            busyNanos.add(System.nanoTime() - t0);
            observedRecords.add(batch.size());
        }
        if (results == null) {
            throw new NullPointerException("batch function returned null for a batch of " + batch.size() + " records");
        }
        for (R r : results) {
            output.collect(reuse.replace(r));
        }
    }
}
