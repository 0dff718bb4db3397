package io.amorsize.flink;

import io.amorsize.BatchFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.functions.RichFunction;
import org.apache.flink.api.common.functions.util.FunctionUtils;
import org.apache.flink.api.common.typeutils.TypeSerializer;
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
 */
final class BatchingOperator<T, R> extends AbstractStreamOperator<R>
        implements OneInputStreamOperator<T, R>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final BatchFunction<T, R> function;
    private final int batchSize;

    private transient List<T> buffer;
    private transient TypeSerializer<T> copier;
    private transient StreamRecord<R> reuse;
    /** Accumulator name prefix for the observed records and busy time, or null (not observed). */
    private final String observeAs;
    private transient org.apache.flink.api.common.accumulators.LongCounter records;
    private transient org.apache.flink.api.common.accumulators.LongCounter busyNanos;

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
        if (getExecutionConfig().isObjectReuseEnabled()) {
            copier = getOperatorConfig().getTypeSerializerIn(0, getUserCodeClassloader());
        }
        if (function instanceof RichFunction rich) {
            FunctionUtils.setFunctionRuntimeContext(rich, getRuntimeContext());
            FunctionUtils.openFunction(rich, DefaultOpenContext.INSTANCE);
        }
        if (observeAs != null) {
            records = new org.apache.flink.api.common.accumulators.LongCounter();
            busyNanos = new org.apache.flink.api.common.accumulators.LongCounter();
            getRuntimeContext().addAccumulator(observeAs + FlinkObserver.RECORDS, records);
            getRuntimeContext().addAccumulator(observeAs + FlinkObserver.BUSY, busyNanos);
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        T value = element.getValue();
        buffer.add(copier == null ? value : copier.copy(value));
        if (buffer.size() >= batchSize) {
            flush();
        }
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
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

    private void flush() throws Exception {
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        List<T> batch = buffer;
        buffer = new ArrayList<>(Math.min(batchSize, 1 << 16));
        long t0 = records == null ? 0 : System.nanoTime();
        List<R> results = function.apply(batch);
        if (records != null) {
            busyNanos.add(System.nanoTime() - t0);
            records.add(batch.size());
        }
        if (results == null) {
            throw new NullPointerException("batch function returned null for a batch of " + batch.size() + " records");
        }
        for (R r : results) {
            output.collect(reuse.replace(r));
        }
    }
}
