package io.amorsize.model;

import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.util.Objects;

/**
 * The cluster a job will run on, as far as the cost model cares. Engine adapters build it from the
 * live context (Spark: executors × cores; Flink: task managers × slots).
 *
 * <p>Slots are how many tasks the engine runs at once; cores are how many of them the hardware
 * runs at full speed. They differ when a Flink task manager has more slots than CPU cores,
 * Spark runs {@code local[8]} on a 4-core machine, or a container's CPU limit is below the
 * executor's core count. CPU-bound work then gains from at most {@code min(slots, cores)}
 * concurrent tasks; I/O-bound work can still use every slot ({@link CostModel}).
 *
 * @param engine              e.g. "spark", "flink", "local"
 * @param engineVersion       e.g. "4.1.1"; part of the cluster fingerprint
 * @param slots               task slots that run concurrently (>= 1)
 * @param memoryPerSlotBytes  memory one task may use for its partition's records (> 0)
 * @param perTaskOverheadNanos scheduling + launch + result cost of one task (>= 0), calibrated on
 *                            the live cluster by the engine adapters or a configured default
 * @param cores               CPU cores available to all the job's tasks together (>= 1); equal to
 *                            {@code slots} when unknown, which prices every slot as a core
 */
public record ClusterShape(
        String engine,
        String engineVersion,
        int slots,
        long memoryPerSlotBytes,
        double perTaskOverheadNanos,
        int cores) implements java.io.Serializable {

    /** Most cores a cluster shape accepts (a sanity bound for configured and decoded values). */
    public static final int MAX_CORES = 1 << 24;

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
        if (cores < 1 || cores > MAX_CORES) {
            throw new IllegalArgumentException("cores must be in 1.." + MAX_CORES + ", got " + cores);
        }
    }

    /** A cluster whose cores are not known: every slot is priced as a core. */
    public ClusterShape(String engine, String engineVersion, int slots, long memoryPerSlotBytes,
                        double perTaskOverheadNanos) {
        this(engine, engineVersion, slots, memoryPerSlotBytes, perTaskOverheadNanos, Math.max(1, slots));
    }

    /**
     * Stable text identifying the cluster for cache keys: engine, version, slots and a power-of-two
     * memory bucket. The per-task overhead is deliberately not part of it (it is measured, not known),
     * and neither are the cores: the measured profile does not depend on them, so a profile stays
     * reusable when only the cores differ (the decision is re-derived for the cores on every hit).
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
        return new ClusterShape(engine, engineVersion, slots, memoryPerSlotBytes, nanos, cores);
    }

    /** A copy with {@code cores} CPU cores available to the tasks (detected or configured). */
    public ClusterShape withCores(int cores) {
        return new ClusterShape(engine, engineVersion, slots, memoryPerSlotBytes, perTaskOverheadNanos, cores);
    }

    /**
     * A copy with the cores of {@link Options#CLUSTER_CORES} when that is set (> 0), else this
     * shape: the configured or per-call value wins over what an engine adapter detected.
     */
    public ClusterShape withConfiguredCores(Settings settings) {
        int configured = Objects.requireNonNull(settings, "settings").get(Options.CLUSTER_CORES);
        return configured > 0 ? withCores(configured) : this;
    }

    /** Tasks that run at full speed however CPU-bound they are: {@code min(slots, cores)}. */
    public int fullSpeedSlots() {
        return Math.min(slots, cores);
    }
}
