package io.amorsize;

import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.key.InputShape;
import java.time.Duration;
import java.util.Objects;

/**
 * A workload to prewarm the shared cache with ({@link Amorsize#prewarmDistributedCache}): what the
 * input looks like <em>before</em> a job runs (exactly what a later look-up keys on) and what the
 * function is known to cost per record, so that no job and no measurement is needed.
 *
 * @param records              records in the input (>= 1)
 * @param partitions           the input's partition count as the engine will see it (>= 1)
 * @param knownInputBytes      total input bytes when the engine knows them before running (file
 *                             splits), else -1 — must match what the engine adapter will know, or the
 *                             keys differ
 * @param nanosPerRecord       mean wall time of the function per record (> 0)
 * @param cv                   coefficient of variation of the per-record time (>= 0)
 * @param inputBytesPerRecord  mean serialized input record size, -1 if unknown
 * @param outputBytesPerRecord mean serialized output record size, -1 if unknown
 * @param cluster              the cluster, or null for the current one ({@link Amorsize#localCluster()}
 *                             in this JVM)
 */
public record WorkloadSpec(
        long records,
        int partitions,
        long knownInputBytes,
        double nanosPerRecord,
        double cv,
        double inputBytesPerRecord,
        double outputBytesPerRecord,
        ClusterShape cluster) {

    public WorkloadSpec {
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

    /** A copy with known record sizes. */
    public WorkloadSpec withSizes(double inputBytes, double outputBytes) {
        return new WorkloadSpec(records, partitions, knownInputBytes, nanosPerRecord, cv, inputBytes, outputBytes, cluster);
    }

    /** A copy with the per-record time's coefficient of variation. */
    public WorkloadSpec withCv(double newCv) {
        return new WorkloadSpec(records, partitions, knownInputBytes, nanosPerRecord, newCv, inputBytesPerRecord,
                outputBytesPerRecord, cluster);
    }

    /** A copy with the input bytes the engine knows before running (file splits). */
    public WorkloadSpec withKnownInputBytes(long bytes) {
        return new WorkloadSpec(records, partitions, bytes, nanosPerRecord, cv, inputBytesPerRecord,
                outputBytesPerRecord, cluster);
    }

    /** A copy for another cluster. */
    public WorkloadSpec on(ClusterShape newCluster) {
        return new WorkloadSpec(records, partitions, knownInputBytes, nanosPerRecord, cv, inputBytesPerRecord,
                outputBytesPerRecord, Objects.requireNonNull(newCluster, "cluster"));
    }

    /** The input shape a look-up of this workload keys on. */
    public InputShape input() {
        return new InputShape(records, knownInputBytes, partitions);
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
