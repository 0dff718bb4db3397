package io.amorsize.spark;

import io.amorsize.model.Observation;
import io.amorsize.tune.TunedRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes the stage that consumes a tuned RDD and reports its task metrics to the decision's
 * {@link TunedRun}: one per SparkContext, fed by a SparkListener's events (on this branch
 * {@link FeedbackListener}; the plugin's listener dispatches to it once there is one).
 *
 * <p>{@link #watch} remembers an RDD id with its run. The first stage whose {@code rddInfos} include
 * it is observed: per task, duration, executor run time, deserialize and GC time; for the stage,
 * records (our own counter in the tuned RDD, else shuffle read or input records), spill, and the
 * stage's wall time. From those come the observed makespan, cost per record (run time ÷ records),
 * per-task overhead (median of duration − run time) and between-task spread (slowest ÷ median
 * task). A stage that failed, a retried stage attempt, or a stage with a failed task attempt is not
 * used, and the RDD is not watched any more. Only the first completed stage per tuned RDD counts.
 *
 * <p>Event methods run on Spark's listener bus thread and never throw.
 */
final class TunedStageObserver {

    private static final Logger LOG = LoggerFactory.getLogger(TunedStageObserver.class);
    /** Watched RDDs kept at most (a driver that tunes many RDDs it never runs forgets the oldest). */
    static final int MAX_WATCHED = 256;

    /** A tuned RDD waiting for its stage. */
    private record Watch(TunedRun run, LongAccumulator records) {}

    /** Task numbers of an observed stage (attempt 0 only). */
    private static final class StageTasks {
        final Watch watch;
        final List<long[]> tasks = new ArrayList<>(); // duration ms, run time ms, deserialize ms, gc ms
        boolean tainted;

        StageTasks(Watch watch) {
            this.watch = watch;
        }
    }

    private final Map<Integer, Watch> watched = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Watch> eldest) {
            return size() > MAX_WATCHED;
        }
    };
    private final Map<Integer, StageTasks> stages = new HashMap<>();

    /** Watches the RDD {@code rddId} for {@code run}; {@code records} counts the records passing through it, or null. */
    synchronized void watch(int rddId, TunedRun run, LongAccumulator records) {
        watched.putIfAbsent(rddId, new Watch(run, records));
    }

    synchronized boolean watching(int rddId) {
        return watched.containsKey(rddId);
    }

    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        try {
            StageInfo info = event.stageInfo();
            synchronized (this) {
                if (watched.isEmpty()) {
                    return;
                }
                Watch w = null;
                for (RDDInfo r : scala.jdk.javaapi.CollectionConverters.asJava(info.rddInfos())) {
                    Watch found = watched.remove(r.id());
                    if (found != null && w == null) {
                        w = found;
                    }
                }
                if (w == null) {
                    return;
                }
                if (info.attemptNumber() > 0) {
                    LOG.debug("amorsize: stage {} is a retry; its run is not observed", info.stageId());
                    return;
                }
                stages.put(info.stageId(), new StageTasks(w));
            }
        } catch (RuntimeException e) {
            LOG.debug("amorsize: stage observation failed: {}", e.toString());
        }
    }

    public void onTaskEnd(SparkListenerTaskEnd event) {
        try {
            synchronized (this) {
                StageTasks s = stages.get(event.stageId());
                if (s == null) {
                    return;
                }
                TaskMetrics m = event.taskMetrics();
                if (event.stageAttemptId() != 0
                        || !(event.reason() instanceof Success$)
                        || m == null
                        || event.taskInfo().attemptNumber() > 0) {
                    s.tainted = true;
                    return;
                }
                s.tasks.add(new long[] {
                    event.taskInfo().duration(), m.executorRunTime(), m.executorDeserializeTime(), m.jvmGCTime()
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("amorsize: task observation failed: {}", e.toString());
        }
    }

    public void onStageCompleted(SparkListenerStageCompleted event) {
        StageTasks s;
        StageInfo info = event.stageInfo();
        synchronized (this) {
            s = stages.remove(info.stageId());
        }
        if (s == null) {
            return;
        }
        try {
            if (info.failureReason().isDefined() || info.attemptNumber() > 0 || s.tainted) {
                LOG.info(
                        "amorsize: stage {} {}; its run is not used as an observation",
                        info.stageId(),
                        info.failureReason().isDefined() ? "failed" : "had a failed or retried task");
                return;
            }
            TunedRun.Metrics m = metrics(info, s);
            if (m != null) {
                s.watch.run().observed(m);
            }
        } catch (RuntimeException e) {
            LOG.debug("amorsize: stage observation failed: {}", e.toString());
        }
    }

    private static TunedRun.Metrics metrics(StageInfo info, StageTasks s) {
        if (s.tasks.isEmpty()
                || info.submissionTime().isEmpty()
                || info.completionTime().isEmpty()) {
            return null;
        }
        long wallMs = (Long) info.completionTime().get()
                - (Long) info.submissionTime().get();
        double makespan = Math.max(1, wallMs) * 1e6;
        long records = records(info, s.watch);
        long runMs = 0;
        List<Long> durations = new ArrayList<>();
        List<Long> overheads = new ArrayList<>();
        for (long[] t : s.tasks) {
            runMs += t[1];
            durations.add(t[0]);
            overheads.add(Math.max(0, t[0] - t[1]));
        }
        durations.sort(null);
        overheads.sort(null);
        long median = durations.get((durations.size() - 1) / 2);
        long max = durations.get(durations.size() - 1);
        double spread = median > 0 ? Math.max(1.0, (double) max / median) : Observation.UNKNOWN;
        double overhead = overheads.get((overheads.size() - 1) / 2) * 1e6;
        double cost = records > 0 && runMs > 0 ? runMs * 1e6 / records : Observation.UNKNOWN;
        LOG.debug(
                "amorsize: stage {}: {} tasks, wall {} ms, run time {} ms, {} records, spilled {} bytes",
                info.stageId(),
                s.tasks.size(),
                wallMs,
                runMs,
                records,
                info.taskMetrics() == null
                        ? -1
                        : info.taskMetrics().memoryBytesSpilled()
                                + info.taskMetrics().diskBytesSpilled());
        return new TunedRun.Metrics(makespan, records, cost, overhead, spread);
    }

    /** Our counter's value for this stage, else shuffle-read or input records, else unknown. */
    private static long records(StageInfo info, Watch w) {
        if (w.records() != null) {
            Optional<Long> v = accumulated(info, w.records().id());
            if (v.isPresent() && v.get() > 0) {
                return v.get();
            }
            if (w.records().value() > 0) {
                return w.records().value();
            }
        }
        TaskMetrics t = info.taskMetrics();
        if (t != null) {
            long shuffle = t.shuffleReadMetrics().recordsRead();
            if (shuffle > 0) {
                return shuffle;
            }
            long input = t.inputMetrics().recordsRead();
            if (input > 0) {
                return input;
            }
        }
        return Observation.UNKNOWN;
    }

    private static Optional<Long> accumulated(StageInfo info, long id) {
        scala.Option<org.apache.spark.scheduler.AccumulableInfo> a =
                info.accumulables().get(id);
        if (a.isEmpty() || a.get().value().isEmpty()) {
            return Optional.empty();
        }
        Object v = a.get().value().get();
        return v instanceof Long l ? Optional.of(l) : Optional.empty();
    }

    // ---- one observer per SparkContext ----------------------------------------------------------

    private static final Map<SparkContext, TunedStageObserver> BY_CONTEXT = new java.util.WeakHashMap<>();

    /** The observer of {@code sc}, registering its listener on first use. */
    static TunedStageObserver of(SparkContext sc) {
        synchronized (BY_CONTEXT) {
            TunedStageObserver o = BY_CONTEXT.get(sc);
            if (o == null) {
                o = new TunedStageObserver();
                BY_CONTEXT.put(sc, o);
                sc.addSparkListener(
                        new FeedbackListener(o)); // TEMPORARY seam: the lead folds this into AmorsizeListener
            }
            return o;
        }
    }
}
