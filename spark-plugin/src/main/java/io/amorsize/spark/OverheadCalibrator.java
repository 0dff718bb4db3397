package io.amorsize.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Measures the live cluster's per-task overhead (schedule, launch, run nothing, return) on the
 * driver: the wall time of jobs of 2×slots and 10×slots empty tasks; the difference per wave of
 * tasks is the overhead of one task. Results are kept per cluster fingerprint for the life of the
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

    /** Runs the calibration jobs (about 10 small jobs); returns nanoseconds per task, >= 0. */
    static double calibrate(JavaSparkContext jsc, int slots) {
        int c = Math.max(1, slots);
        int n1 = 2 * c;
        int n2 = 10 * c;
        emptyJob(jsc, n1); // warm-up: first jobs pay class loading and executor start
        emptyJob(jsc, n2);
        List<Long> t1 = new ArrayList<>();
        List<Long> t2 = new ArrayList<>();
        for (int rep = 0; rep < 3; rep++) {
            t1.add(emptyJob(jsc, n1));
            t2.add(emptyJob(jsc, n2));
        }
        double perWave = (median(t2) - median(t1)) / ((double) (n2 - n1) / c);
        return Math.max(0.0, perWave);
    }

    private static long emptyJob(JavaSparkContext jsc, int tasks) {
        long start = System.nanoTime();
        jsc.parallelize(new ArrayList<Integer>(), tasks).foreachPartition(it -> { });
        return System.nanoTime() - start;
    }

    private static double median(List<Long> v) {
        long[] a = v.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2.0;
    }
}
