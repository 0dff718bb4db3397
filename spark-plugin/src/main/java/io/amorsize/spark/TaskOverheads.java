package io.amorsize.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * The cluster's per-task overhead from what Spark reports for the tasks the application ran: for
 * each successful task, its duration from launch to finish on the driver (which includes shipping
 * and deserializing the task, result serialization and getting the result) minus the executor's
 * run time. The first task on each executor is left out (a fresh executor pays class loading,
 * dependency and broadcast fetches once, up to a second on a busy machine). No job is run for it: the sampling job of a miss is one of the jobs
 * observed, and so is every job the application ran before.
 *
 * <p>One instance per SparkContext (an {@link AmorsizeListener.Observer}). What a driver learned is
 * remembered per cluster fingerprint for the life of the JVM ({@link #remember}); {@link #forgetAll}
 * drops it and every observation made before.
 */
final class TaskOverheads implements AmorsizeListener.Observer {

    /** Local property naming the job whose task-end events a caller waits for. */
    static final String TOKEN_PROPERTY = "amorsize.job-token";
    /** Observations of the application's own jobs needed before they are trusted without one of ours. */
    static final int ENOUGH_TASKS = 8;

    private static final int KEEP = 512;

    /** What a driver knows about a cluster: its overhead and, when reported, its executors' processors. */
    record Known(double overheadNanos, int executorProcessors) {}

    private static final ConcurrentMap<String, Known> BY_CLUSTER = new ConcurrentHashMap<>();
    private static final AtomicLong GENERATION = new AtomicLong();
    /** Set by {@link #forgetAll}: the next miss measures again instead of reading the shared store. */
    private static volatile boolean forgotten;

    private final ArrayDeque<Double> recent = new ArrayDeque<>();
    private final Set<String> seenExecutors = new HashSet<>();
    private final Map<String, Pending> byToken = new ConcurrentHashMap<>();
    private final Map<Integer, Pending> byStage = new ConcurrentHashMap<>();
    private final Map<Integer, Pending> byJob = new ConcurrentHashMap<>();
    private long generation = GENERATION.get();

    /** The task overheads (nanoseconds) of one job, complete when the job's end event arrives. */
    static final class Pending {
        final List<Double> samples = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<List<Double>> done = new CompletableFuture<>();
    }

    static Known known(String clusterFingerprint) {
        return BY_CLUSTER.get(clusterFingerprint);
    }

    static void remember(String clusterFingerprint, Known known) {
        BY_CLUSTER.put(clusterFingerprint, known);
    }

    /** Forgets what every driver context in this JVM learned; the next miss measures the cluster again. */
    static void forgetAll() {
        BY_CLUSTER.clear();
        GENERATION.incrementAndGet();
        forgotten = true;
    }

    /** True after {@link #forgetAll} until a fresh measurement was taken ({@link #measuredAgain}). */
    static boolean forgotten() {
        return forgotten;
    }

    static void measuredAgain() {
        forgotten = false;
    }

    /** True when nothing was forgotten since {@code generation} (see {@link #generation()}). */
    static boolean unchangedSince(long generation) {
        return GENERATION.get() == generation;
    }

    static long generation() {
        return GENERATION.get();
    }

    /** Registers interest in the job that will run with local property {@link #TOKEN_PROPERTY} = {@code token}. */
    Pending expect(String token) {
        Pending p = new Pending();
        byToken.put(token, p);
        return p;
    }

    /** Overheads (nanoseconds) of the most recent tasks the application ran, oldest first. */
    synchronized List<Double> recent() {
        resetIfForgotten();
        return new ArrayList<>(recent);
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        String token = e.properties() == null ? null : e.properties().getProperty(TOKEN_PROPERTY);
        Pending p = token == null ? null : byToken.remove(token);
        if (p == null) {
            return;
        }
        byJob.put(e.jobId(), p);
        for (int i = 0; i < e.stageInfos().size(); i++) {
            byStage.put(e.stageInfos().apply(i).stageId(), p);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskInfo info = e.taskInfo();
        TaskMetrics m = e.taskMetrics();
        if (info == null || m == null || !info.successful()) {
            return;
        }
        double nanos;
        synchronized (this) {
            resetIfForgotten();
            if (seenExecutors.add(info.executorId())) {
                return; // the executor's first task: one-off costs, not the per-task overhead
            }
            long ms = info.duration() - m.executorRunTime();
            nanos = Math.max(0, ms) * 1e6;
            recent.addLast(nanos);
            while (recent.size() > KEEP) {
                recent.removeFirst();
            }
        }
        Pending p = byStage.get(e.stageId());
        if (p != null) {
            p.samples.add(nanos);
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
        Pending p = byJob.remove(e.jobId());
        if (p == null) {
            return;
        }
        byStage.values().removeIf(x -> x == p);
        synchronized (p.samples) {
            p.done.complete(new ArrayList<>(p.samples));
        }
    }

    private void resetIfForgotten() {
        long g = GENERATION.get();
        if (g != generation) {
            recent.clear();
            generation = g;
        }
    }

    /**
     * The per-task overhead the observations show, in nanoseconds: the mean of the lower three
     * quarters (a task that waited for a busy driver or a GC is not the typical task); NaN for none.
     */
    static double estimate(List<Double> samples) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        int n = s.size() >= 4 ? s.size() - s.size() / 4 : s.size();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += s.get(i);
        }
        return sum / n;
    }

    @Override
    public String toString() {
        return "TaskOverheads";
    }
}
