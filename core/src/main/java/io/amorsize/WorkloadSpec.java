package io.amorsize;

import io.amorsize.key.InputKind;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.time.Duration;
import java.util.Objects;

/**
 * A workload to prewarm the shared cache with ({@link Amorsize#prewarmDistributedCache}): what the
 * input looks like <em>before</em> a job runs (exactly what a later look-up keys on) and what the
 * function is known to cost per record, so that no job and no measurement is needed.
 *
 * <p>The key is built the way the engine adapters build theirs ({@link InputKind#shape}): a
 * {@link InputKind#RECORDS} spec (the default) keys on the record count, a {@link #ofFiles files} spec
 * on the total input bytes (Spark {@code textFile}, Flink {@code tune(env, Path, fn)}), an
 * {@link InputKind#UNKNOWN_SIZE} spec on the partition count. The cluster must be the one the
 * adapter describes: {@link #onSpark} and {@link #onFlink} build it from the numbers the adapters read.
 *
 * @param records              records in the input (>= 1); for a files or unknown-size input the
 *                             expected count, stored as the cached workload (not part of the key)
 * @param partitions           the input's partition count as the engine will see it (>= 1)
 * @param knownInputBytes      total input bytes when the engine knows them before running (file
 *                             splits), else -1 — must match what the engine adapter will know, or the
 *                             keys differ; required (>= 0) for a files input
 * @param nanosPerRecord       mean wall time of the function per record (> 0)
 * @param cv                   coefficient of variation of the per-record time (>= 0)
 * @param inputBytesPerRecord  mean serialized input record size, -1 if unknown
 * @param outputBytesPerRecord mean serialized output record size, -1 if unknown
 * @param cluster              the cluster, or null for the current one ({@link Amorsize#localCluster()}
 *                             in this JVM, which only the core facade's look-ups use)
 * @param inputKind            what the engine knows about the input before running (the key's input part)
 */
public record WorkloadSpec(
        long records,
        int partitions,
        long knownInputBytes,
        double nanosPerRecord,
        double cv,
        double inputBytesPerRecord,
        double outputBytesPerRecord,
        ClusterShape cluster,
        InputKind inputKind) {

    /** Per-task overhead a cluster built by {@link #onSpark} / {@link #onFlink} carries (5 ms). */
    public static final double DEFAULT_TASK_OVERHEAD_NANOS = 5_000_000.0;

    /** A {@link InputKind#RECORDS} spec (the record count is known before running). */
    public WorkloadSpec(
            long records,
            int partitions,
            long knownInputBytes,
            double nanosPerRecord,
            double cv,
            double inputBytesPerRecord,
            double outputBytesPerRecord,
            ClusterShape cluster) {
        this(
                records,
                partitions,
                knownInputBytes,
                nanosPerRecord,
                cv,
                inputBytesPerRecord,
                outputBytesPerRecord,
                cluster,
                InputKind.RECORDS);
    }

    public WorkloadSpec {
        Objects.requireNonNull(inputKind, "inputKind");
        if (inputKind == InputKind.FILES && knownInputBytes < 0) {
            throw new IllegalArgumentException("a files input needs knownInputBytes >= 0 (the total the engine "
                    + "sees before running), got " + knownInputBytes);
        }
        if (records < 1) {
            throw new IllegalArgumentException("records must be >= 1, got " + records);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (knownInputBytes < -1) {
            throw new IllegalArgumentException("knownInputBytes must be >= -1, got " + knownInputBytes);
        }
        if (!(nanosPerRecord > 0) || !Double.isFinite(nanosPerRecord)) {
            throw new IllegalArgumentException("nanosPerRecord must be finite and > 0, got " + nanosPerRecord);
        }
        if (!(cv >= 0) || !Double.isFinite(cv)) {
            throw new IllegalArgumentException("cv must be finite and >= 0, got " + cv);
        }
        if (!Double.isFinite(inputBytesPerRecord) || inputBytesPerRecord < -1) {
            throw new IllegalArgumentException("inputBytesPerRecord must be >= -1, got " + inputBytesPerRecord);
        }
        if (!Double.isFinite(outputBytesPerRecord) || outputBytesPerRecord < -1) {
            throw new IllegalArgumentException("outputBytesPerRecord must be >= -1, got " + outputBytesPerRecord);
        }
    }

    /**
     * {@code records} records in {@code partitions} partitions costing {@code perRecord} each, with a
     * moderate spread (cv 0.2), unknown sizes, on the current cluster.
     */
    public static WorkloadSpec of(long records, int partitions, Duration perRecord) {
        Objects.requireNonNull(perRecord, "perRecord");
        return new WorkloadSpec(records, partitions, -1, perRecord.toNanos(), 0.2, -1, -1, null);
    }

    /**
     * A file input as Spark {@code textFile} and Flink {@code tune(env, Path, fn)} see it: the key
     * holds the total bytes' bucket ({@code B<k>}); {@code records} (the expected count) is the stored
     * workload a hit scales to the live input.
     */
    public static WorkloadSpec ofFiles(long totalBytes, long records, int partitions, Duration perRecord) {
        Objects.requireNonNull(perRecord, "perRecord");
        return new WorkloadSpec(
                records, partitions, totalBytes, perRecord.toNanos(), 0.2, -1, -1, null, InputKind.FILES);
    }

    /** An input whose records and bytes are unknown before running: the key holds the partition count's bucket. */
    public static WorkloadSpec ofUnknownSize(long records, int partitions, Duration perRecord) {
        Objects.requireNonNull(perRecord, "perRecord");
        return new WorkloadSpec(
                records, partitions, -1, perRecord.toNanos(), 0.2, -1, -1, null, InputKind.UNKNOWN_SIZE);
    }

    /**
     * A Spark cluster as the Spark adapter describes it: {@code executors × coresPerExecutor} slots,
     * {@code executorMemoryBytes ÷ coresPerExecutor} per slot ({@code spark.executor.memory};
     * for {@code local[n]} use 1 executor of n cores and the driver's heap).
     */
    public static ClusterShape onSpark(
            String sparkVersion, int executors, int coresPerExecutor, long executorMemoryBytes) {
        requirePositive("executors", executors);
        requirePositive("coresPerExecutor", coresPerExecutor);
        return new ClusterShape(
                "spark",
                sparkVersion,
                executors * coresPerExecutor,
                Math.max(1, executorMemoryBytes / coresPerExecutor),
                DEFAULT_TASK_OVERHEAD_NANOS);
    }

    /**
     * A Flink cluster as the Flink adapter describes it: {@code taskManagers × slotsPerTaskManager}
     * slots, {@code taskHeapBytes ÷ slotsPerTaskManager} per slot ({@code taskmanager.memory.task.heap.size};
     * for a local environment use the client JVM's heap, shared by all its slots).
     */
    public static ClusterShape onFlink(
            String flinkVersion, int taskManagers, int slotsPerTaskManager, long taskHeapBytes) {
        requirePositive("taskManagers", taskManagers);
        requirePositive("slotsPerTaskManager", slotsPerTaskManager);
        return new ClusterShape(
                "flink",
                flinkVersion,
                taskManagers * slotsPerTaskManager,
                Math.max(1, taskHeapBytes / slotsPerTaskManager),
                DEFAULT_TASK_OVERHEAD_NANOS);
    }

    private static void requirePositive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    /** A copy with known record sizes. */
    public WorkloadSpec withSizes(double inputBytes, double outputBytes) {
        return new WorkloadSpec(
                records, partitions, knownInputBytes, nanosPerRecord, cv, inputBytes, outputBytes, cluster, inputKind);
    }

    /** A copy with the per-record time's coefficient of variation. */
    public WorkloadSpec withCv(double newCv) {
        return new WorkloadSpec(
                records,
                partitions,
                knownInputBytes,
                nanosPerRecord,
                newCv,
                inputBytesPerRecord,
                outputBytesPerRecord,
                cluster,
                inputKind);
    }

    /** A copy with the input bytes the engine knows before running (file splits). */
    public WorkloadSpec withKnownInputBytes(long bytes) {
        return new WorkloadSpec(
                records,
                partitions,
                bytes,
                nanosPerRecord,
                cv,
                inputBytesPerRecord,
                outputBytesPerRecord,
                cluster,
                inputKind);
    }

    /** A copy for another cluster. */
    public WorkloadSpec on(ClusterShape newCluster) {
        return new WorkloadSpec(
                records,
                partitions,
                knownInputBytes,
                nanosPerRecord,
                cv,
                inputBytesPerRecord,
                outputBytesPerRecord,
                Objects.requireNonNull(newCluster, "cluster"),
                inputKind);
    }

    /** The input shape a look-up of this workload keys on ({@link InputKind#shape}, as the adapters build it). */
    public InputShape input() {
        return inputKind.shape(records, knownInputBytes, partitions);
    }

    /** The workload the optimizer decides for. */
    public Workload workload() {
        return Workload.of(records, partitions);
    }

    /** The profile stored instead of a measurement. */
    public CostProfile profile() {
        return CostProfile.of(nanosPerRecord, cv, inputBytesPerRecord, outputBytesPerRecord);
    }
}
