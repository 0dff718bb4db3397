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
 * @param cpuClass            what one executor (Spark) or task manager (Flink) runs on, as far as a
 *                            record's cost depends on it: {@link #cpuClassOf(String, int) os.arch and
 *                            processors per executor}, e.g. {@code amd64-4c}; empty when unknown
 */
public record ClusterShape(
        String engine,
        String engineVersion,
        int slots,
        long memoryPerSlotBytes,
        double perTaskOverheadNanos,
        int cores,
        String cpuClass)
        implements java.io.Serializable {

    /** Most cores a cluster shape accepts (a sanity bound for configured and decoded values). */
    public static final int MAX_CORES = 1 << 24;
    /** Longest {@link #cpuClass()}. */
    public static final int MAX_CPU_CLASS = 64;

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
            throw new IllegalArgumentException(
                    "perTaskOverheadNanos must be finite and >= 0, got " + perTaskOverheadNanos);
        }
        if (cores < 1 || cores > MAX_CORES) {
            throw new IllegalArgumentException("cores must be in 1.." + MAX_CORES + ", got " + cores);
        }
        Objects.requireNonNull(cpuClass, "cpuClass");
        if (cpuClass.length() > MAX_CPU_CLASS || !cpuClass.chars().allMatch(ClusterShape::cpuClassChar)) {
            throw new IllegalArgumentException(
                    "cpuClass must be at most " + MAX_CPU_CLASS + " of [A-Za-z0-9._-], got '" + cpuClass + "'");
        }
    }

    /** A cluster whose executors' CPU class is not known (its fingerprint keeps the slot count). */
    public ClusterShape(
            String engine,
            String engineVersion,
            int slots,
            long memoryPerSlotBytes,
            double perTaskOverheadNanos,
            int cores) {
        this(engine, engineVersion, slots, memoryPerSlotBytes, perTaskOverheadNanos, cores, "");
    }

    /** A cluster whose cores are not known: every slot is priced as a core. */
    public ClusterShape(
            String engine, String engineVersion, int slots, long memoryPerSlotBytes, double perTaskOverheadNanos) {
        this(engine, engineVersion, slots, memoryPerSlotBytes, perTaskOverheadNanos, Math.max(1, slots));
    }

    /**
     * Stable text identifying the cluster for cache keys: what a record's cost depends on, not how
     * many tasks run at once. With a known {@link #cpuClass()}: engine, version, the CPU class of one
     * executor and a power-of-two bucket of the memory per slot ({@code spark-4.1.1-amd64-4c-m29}),
     * so the profile survives a change of executors or slots (dynamic allocation, autoscaling) and
     * the decision is re-derived for the live slots and cores on every hit. Without a CPU class the
     * slot count stands in for it ({@code spark-4.1.1-s8-m29}, the rule of schema-1 keys before
     * the CPU class), since the executors' hardware is then not known to be the same. The per-task
     * overhead is not part of it (it is measured, not known), and neither are the cores.
     */
    public String fingerprint() {
        long memBucket = 63 - Long.numberOfLeadingZeros(memoryPerSlotBytes);
        String hardware = cpuClass.isEmpty() ? "s" + slots : cpuClass;
        return engine + "-" + engineVersion + "-" + hardware + "-m" + memBucket;
    }

    /**
     * The CPU class of one executor: {@code os.arch} and the processors its JVM sees, e.g.
     * {@code amd64-4c} (characters outside {@code [A-Za-z0-9._-]} become {@code _}).
     */
    public static String cpuClassOf(String osArch, int processorsPerExecutor) {
        if (processorsPerExecutor < 1) {
            throw new IllegalArgumentException("processorsPerExecutor must be >= 1, got " + processorsPerExecutor);
        }
        StringBuilder arch = new StringBuilder();
        String a = osArch == null || osArch.isBlank() ? "unknown" : osArch.trim();
        for (int i = 0; i < a.length() && arch.length() < 32; i++) {
            char c = a.charAt(i);
            arch.append(cpuClassChar(c) ? c : '_');
        }
        return arch + "-" + Math.min(processorsPerExecutor, MAX_CORES) + "c";
    }

    /** This JVM's CPU class ({@link #cpuClassOf} of {@code os.arch} and {@code availableProcessors()}). */
    public static String localCpuClass() {
        return cpuClassOf(
                System.getProperty("os.arch"), Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    private static boolean cpuClassChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
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
        return new ClusterShape(
                "local",
                "jvm" + Runtime.version().feature(),
                slots,
                Math.max(1, heap / slots),
                perTaskOverheadNanos,
                slots);
    }

    /** A copy with another per-task overhead (after calibration). */
    public ClusterShape withPerTaskOverheadNanos(double nanos) {
        return new ClusterShape(engine, engineVersion, slots, memoryPerSlotBytes, nanos, cores, cpuClass);
    }

    /** A copy with {@code cores} CPU cores available to the tasks (detected or configured). */
    public ClusterShape withCores(int cores) {
        return new ClusterShape(
                engine, engineVersion, slots, memoryPerSlotBytes, perTaskOverheadNanos, cores, cpuClass);
    }

    /**
     * A copy with the executors' CPU class ({@link #cpuClassOf}); its fingerprint then no longer
     * holds the slot count, so a profile is shared by clusters of any size with that CPU class.
     */
    public ClusterShape withCpuClass(String cpuClass) {
        return new ClusterShape(
                engine, engineVersion, slots, memoryPerSlotBytes, perTaskOverheadNanos, cores, cpuClass);
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
