package io.amorsize.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Measures the live cluster's per-task overhead (schedule, launch, run nothing, return) on the
 * driver: the wall time of jobs of empty tasks grows by one task's overhead per wave of tasks. Results are kept per cluster fingerprint for the life of the
 * JVM, so a cluster is calibrated at most once per driver.
 */
final class OverheadCalibrator {

    static final String PHASE = "calibrate";
    private static final ConcurrentMap<String, Double> BY_CLUSTER = new ConcurrentHashMap<>();

    private OverheadCalibrator() {
    }

    /** The remembered overhead of this cluster in nanoseconds, or null. */
    static Double known(String clusterFingerprint) {
        return BY_CLUSTER.get(clusterFingerprint);
    }

    static void remember(String clusterFingerprint, double nanos) {
        BY_CLUSTER.put(clusterFingerprint, nanos);
    }

    static void forgetAll() {
        BY_CLUSTER.clear();
    }

    /**
     * Runs the calibration jobs (a warm-up, then jobs of slots, 8×slots and 32×slots empty tasks,
     * twice each); returns nanoseconds per task, >= 0: slots × the least-squares slope of the
     * fastest time of each size against its task count (the fastest, because noise only adds).
     */
    static double calibrate(JavaSparkContext jsc, int slots) {
        int c = Math.max(1, slots);
        int[] sizes = {c, 8 * c, 32 * c};
        emptyJob(jsc, 8 * c); // warm-up: the first jobs pay class loading and executor start
        double[] best = new double[sizes.length];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 0; i < sizes.length; i++) {
                best[i] = Math.min(best[i], emptyJob(jsc, sizes[i]));
            }
        }
        double mx = Arrays.stream(sizes).average().orElse(0);
        double my = Arrays.stream(best).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < sizes.length; i++) {
            sxy += (sizes[i] - mx) * (best[i] - my);
            sxx += (sizes[i] - mx) * (sizes[i] - mx);
        }
        return Math.max(0.0, c * sxy / sxx);
    }

    private static long emptyJob(JavaSparkContext jsc, int tasks) {
        long start = System.nanoTime();
        jsc.parallelize(new ArrayList<Integer>(), tasks).foreachPartition(it -> { });
        return System.nanoTime() - start;
    }

}
