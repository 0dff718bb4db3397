package io.amorsize.spark;

import io.amorsize.model.ClusterShape;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * The {@link ClusterShape} of a live SparkContext: task slots, CPU cores, memory per slot and Spark version.
 * No job is run. The per-task overhead is left at the configured default; {@link TaskOverheads}
 * takes it from the application's task events.
 *
 * <ul>
 *   <li>{@code local} → 1 slot, {@code local[N]} / {@code local[N,F]} → N, {@code local[*]} → the
 *       driver's cores; memory per slot = the driver heap ÷ slots. Cores: this machine's
 *       processors (so {@code local[8]} on 4 cores is 8 slots on 4 cores).</li>
 *   <li>{@code local-cluster[n,c,m]} → n × c slots; {@code spark.executor.memory} (at most m MiB) ÷ c per slot;
 *       the executors run on this machine, so its processors are the cores.</li>
 *   <li>anything else → registered executors × {@code spark.executor.cores} (or
 *       {@code defaultParallelism} when the cores are not configured); memory per slot =
 *       {@code spark.executor.memory} ÷ cores per executor. Cores not known here: one per slot, until the
 *       sampling tasks report their executors' {@code availableProcessors()}
 *       ({@link #withExecutorProcessors}).</li>
 * </ul>
 * {@code spark.amorsize.cluster.cores} (or the per-call option) overrides the cores.
 *
 * <p>The CPU class of one executor ({@link ClusterShape#cpuClass()}, part of the cache key instead
 * of the slots): {@code os.arch} and the processors of the executor JVM. In {@code local} and
 * {@code local-cluster} modes the executors run on this machine, so that is this JVM's arch and
 * {@code availableProcessors()}; on a cluster it is {@code os.arch} with {@code spark.executor.cores}
 * (the driver cannot see the executors' hardware without a job, so the driver's arch stands for
 * theirs: one image for driver and executors is the common case). When {@code spark.executor.cores}
 * is not set the CPU class is unknown and the key keeps the slot count.
 */
public final class SparkClusterShape {

    private static final Pattern LOCAL_N = Pattern.compile("local\\[(\\d+|\\*)(?:,\\s*\\d+)?]");
    private static final Pattern LOCAL_CLUSTER =
            Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    private SparkClusterShape() {}

    /** The live cluster's shape, with {@code perTaskOverheadNanos} as the starting overhead. */
    public static ClusterShape of(SparkContext sc, double perTaskOverheadNanos) {
        Objects.requireNonNull(sc, "sc");
        SparkConf conf = sc.getConf();
        String master = sc.master();
        int registeredExecutors = Math.max(0, sc.statusTracker().getExecutorInfos().length - 1);
        return of(
                master,
                conf,
                sc.version(),
                registeredExecutors,
                sc.defaultParallelism(),
                Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors(),
                perTaskOverheadNanos,
                System.getProperty("os.arch"));
    }

    /** {@link #of(String, SparkConf, String, int, int, long, int, double, String)} on this JVM's arch. */
    static ClusterShape of(
            String master,
            SparkConf conf,
            String version,
            int registeredExecutors,
            int defaultParallelism,
            long driverHeapBytes,
            int driverCores,
            double overheadNanos) {
        return of(
                master,
                conf,
                version,
                registeredExecutors,
                defaultParallelism,
                driverHeapBytes,
                driverCores,
                overheadNanos,
                System.getProperty("os.arch"));
    }

    /**
     * {@code shape} with the cores the executors' own {@code availableProcessors()} allow (as the
     * sampling tasks reported them; {@code processors <= 0}: unknown, {@code shape} unchanged): each
     * executor runs at most {@code min(its task slots, processors)} tasks at full speed. In the local
     * modes the executors run on this machine, whose processors the shape already has.
     */
    static ClusterShape withExecutorProcessors(ClusterShape shape, SparkContext sc, int processors) {
        if (processors <= 0) {
            return shape;
        }
        String master = sc.master();
        if ("local".equals(master)
                || LOCAL_N.matcher(master).matches()
                || LOCAL_CLUSTER.matcher(master).matches()) {
            return shape;
        }
        int executors = Math.max(1, sc.statusTracker().getExecutorInfos().length - 1);
        int perExecutor = Math.max(1, shape.slots() / executors);
        long cores = (long) executors * Math.min(perExecutor, processors);
        return shape.withCores((int) Math.max(1, Math.min(shape.slots(), Math.min(ClusterShape.MAX_CORES, cores))));
    }

    /** The shape from plain facts (testable without a context). */
    static ClusterShape of(
            String master,
            SparkConf conf,
            String version,
            int registeredExecutors,
            int defaultParallelism,
            long driverHeapBytes,
            int driverCores,
            double overheadNanos,
            String osArch) {
        int slots;
        int executorProcessors; // processors one executor JVM sees, 0 when not known
        long memPerSlot;
        int machineCores = -1; // -1: not known here, one per slot
        Matcher m;
        if ("local".equals(master)) {
            slots = 1;
            memPerSlot = driverHeapBytes;
            machineCores = driverCores;
            executorProcessors = driverCores;
        } else if ((m = LOCAL_N.matcher(master)).matches()) {
            slots = "*".equals(m.group(1)) ? driverCores : Integer.parseInt(m.group(1));
            memPerSlot = driverHeapBytes / Math.max(1, slots);
            machineCores = driverCores;
            executorProcessors = driverCores;
        } else if ((m = LOCAL_CLUSTER.matcher(master)).matches()) {
            machineCores = driverCores;
            executorProcessors = driverCores; // executor JVMs on this machine see all its processors
            int executors = Integer.parseInt(m.group(1));
            int cores = Integer.parseInt(m.group(2));
            long mib = Long.parseLong(m.group(3));
            slots = executors * cores;
            long executorBytes = Math.min(mib * 1024 * 1024, conf.getSizeAsBytes("spark.executor.memory", mib + "m"));
            memPerSlot = executorBytes / Math.max(1, cores);
        } else {
            int cores = conf.getInt("spark.executor.cores", 0);
            executorProcessors = Math.max(0, cores);
            slots = registeredExecutors > 0 && cores > 0 ? registeredExecutors * cores : defaultParallelism;
            memPerSlot = conf.getSizeAsBytes("spark.executor.memory", "1g") / Math.max(1, cores);
        }
        ClusterShape shape =
                new ClusterShape("spark", version, Math.max(1, slots), Math.max(1, memPerSlot), overheadNanos);
        if (executorProcessors > 0) {
            shape = shape.withCpuClass(ClusterShape.cpuClassOf(osArch, executorProcessors));
        }
        return machineCores > 0 ? shape.withCores(Math.min(machineCores, ClusterShape.MAX_CORES)) : shape;
    }
}
