package io.amorsize.model;

import java.util.Objects;

/**
 * The cluster a job will run on, as far as the cost model cares. Engine adapters build it from the
 * live context (Spark: executors × cores; Flink: task managers × slots).
 *
 * @param engine              e.g. "spark", "flink", "local"
 * @param engineVersion       e.g. "4.1.1"; part of the cluster fingerprint
 * @param slots               task slots that run concurrently (>= 1)
 * @param memoryPerSlotBytes  memory one task may use for its partition's records (> 0)
 * @param perTaskOverheadNanos scheduling + launch + result cost of one task (>= 0), calibrated on
 *                            the live cluster by the engine adapters or a configured default
 */
public record ClusterShape(
        String engine,
        String engineVersion,
        int slots,
        long memoryPerSlotBytes,
        double perTaskOverheadNanos) implements java.io.Serializable {

    public ClusterShape {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(engineVersion, "engineVersion");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        if (memoryPerSlotBytes < 1) {
            throw new IllegalArgumentException("memoryPerSlotBytes must be >= 1, got " + memoryPerSlotBytes);
        }
        if (!(perTaskOverheadNanos >= 0) || !Double.isFinite(perTaskOverheadNanos)) {
            throw new IllegalArgumentException("perTaskOverheadNanos must be finite and >= 0, got " + perTaskOverheadNanos);
        }
    }

    /**
     * Stable text identifying the cluster for cache keys: engine, version, slots and a power-of-two
     * memory bucket. The per-task overhead is deliberately not part of it (it is measured, not known).
     */
    public String fingerprint() {
        long memBucket = 63 - Long.numberOfLeadingZeros(memoryPerSlotBytes);
        return engine + "-" + engineVersion + "-s" + slots + "-m" + memBucket;
    }

    /**
     * The cluster this JVM is: {@code availableProcessors()} slots, the maximum heap shared among
     * them (1 GiB when the heap is unbounded), and {@code perTaskOverheadNanos}.
     */
    public static ClusterShape local(double perTaskOverheadNanos) {
        int slots = Math.max(1, Runtime.getRuntime().availableProcessors());
        long heap = Runtime.getRuntime().maxMemory();
        if (heap <= 0 || heap == Long.MAX_VALUE) {
            heap = 1L << 30;
        }
        return new ClusterShape("local", "jvm" + Runtime.version().feature(), slots, Math.max(1, heap / slots),
                perTaskOverheadNanos);
    }

    /** A copy with another per-task overhead (after calibration). */
    public ClusterShape withPerTaskOverheadNanos(double nanos) {
        return new ClusterShape(engine, engineVersion, slots, memoryPerSlotBytes, nanos);
    }
}
