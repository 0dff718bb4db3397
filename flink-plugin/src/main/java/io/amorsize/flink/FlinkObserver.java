package io.amorsize.flink;

import io.amorsize.Recommendation;
import io.amorsize.model.Observation;
import io.amorsize.tune.TunedRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes the Flink jobs Amorsize shaped. A tuned {@code mapBatches} operator counts its records
 * and the time spent in the batch function into two accumulators; after the job, the
 * {@link JobExecutionResult} gives them with the job's net runtime. A {@link JobListener} on the
 * environment (registered on first use) reports them to the decision's {@link TunedRun}; jobs run
 * with {@code executeAsync} or elsewhere report through {@link AmorsizeFlink#observe}.
 *
 * <p>An operator tuned with {@code apply} (the user's own operator) reports the net runtime only: its
 * record count is not observed. A failed job is not observed.
 */
final class FlinkObserver {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkObserver.class);
    static final String RECORDS = ".records";
    static final String BUSY = ".busyNanos";

    /** A tuned operator waiting for its job's result; {@code accumulator} is null for an operator we do not run. */
    private record Watch(TunedRun run, String accumulator) {}

    private static final Map<Recommendation, TunedRun> RUNS = new WeakHashMap<>();
    private static final Map<StreamExecutionEnvironment, List<Watch>> PENDING = new WeakHashMap<>();

    private FlinkObserver() {}

    /** Remembers the run of a decision until an operator claims it. */
    static void tuned(TunedRun run) {
        synchronized (RUNS) {
            RUNS.put(run.recommendation(), run);
        }
    }

    /** The accumulator prefix for the operator built from {@code rec} in {@code env}, or null when its run is not observed. */
    static String claim(StreamExecutionEnvironment env, Recommendation rec, boolean counted) {
        TunedRun run;
        synchronized (RUNS) {
            run = RUNS.remove(rec);
        }
        if (run == null) {
            return null;
        }
        String name = counted
                ? "amorsize-" + Long.toHexString(System.nanoTime()) + "-" + Integer.toHexString(rec.hashCode())
                : null;
        boolean first;
        synchronized (PENDING) {
            first = !PENDING.containsKey(env);
            PENDING.computeIfAbsent(env, e -> new ArrayList<>()).add(new Watch(run, name));
        }
        if (first) {
            env.registerJobListener(new Listener(env));
        }
        return name;
    }

    /** Reports every pending run whose accumulators are in {@code result}; returns how many were reported. */
    static int observe(JobExecutionResult result) {
        List<Watch> mine = new ArrayList<>();
        synchronized (PENDING) {
            for (List<Watch> ws : PENDING.values()) {
                ws.removeIf(w -> {
                    if (w.accumulator() != null
                            && result.getAllAccumulatorResults().containsKey(w.accumulator() + RECORDS)) {
                        mine.add(w);
                        return true;
                    }
                    return false;
                });
            }
        }
        return report(mine, result);
    }

    private static void observe(StreamExecutionEnvironment env, JobExecutionResult result) {
        List<Watch> mine;
        synchronized (PENDING) {
            List<Watch> ws = PENDING.get(env);
            mine = ws == null ? List.of() : new ArrayList<>(ws);
            if (ws != null) {
                ws.clear();
            }
        }
        report(mine, result);
    }

    private static int report(List<Watch> watches, JobExecutionResult result) {
        int n = 0;
        for (Watch w : watches) {
            try {
                TunedRun.Metrics m = metrics(w, result);
                if (m != null && w.run().observed(m) != null) {
                    n++;
                }
            } catch (RuntimeException e) {
                LOG.debug("amorsize: observing the Flink job failed: {}", e.toString());
            }
        }
        return n;
    }

    private static TunedRun.Metrics metrics(Watch w, JobExecutionResult result) {
        long netMs = result.getNetRuntime(TimeUnit.MILLISECONDS);
        double makespan = Math.max(1, netMs) * 1e6;
        long records = Observation.UNKNOWN;
        double cost = Observation.UNKNOWN;
        if (w.accumulator() != null) {
            Object r = result.getAllAccumulatorResults().get(w.accumulator() + RECORDS);
            Object b = result.getAllAccumulatorResults().get(w.accumulator() + BUSY);
            if (r instanceof Long rl && rl > 0) {
                records = rl;
                if (b instanceof Long bl && bl > 0) {
                    cost = (double) bl / rl;
                }
            }
        }
        return new TunedRun.Metrics(makespan, records, cost, Observation.UNKNOWN, Observation.UNKNOWN);
    }

    /** Observes the environment's jobs when they finish; a failed job is not observed. */
    private static final class Listener implements JobListener {
        private final java.lang.ref.WeakReference<StreamExecutionEnvironment> env;

        Listener(StreamExecutionEnvironment env) {
            this.env = new java.lang.ref.WeakReference<>(env);
        }

        @Override
        public void onJobSubmitted(JobClient jobClient, Throwable throwable) {}

        @Override
        public void onJobExecuted(JobExecutionResult result, Throwable throwable) {
            StreamExecutionEnvironment e = env.get();
            if (e == null) {
                return;
            }
            if (throwable != null || result == null) {
                synchronized (PENDING) {
                    List<Watch> ws = PENDING.get(e);
                    if (ws != null) {
                        ws.clear();
                    }
                }
                LOG.info("amorsize: the Flink job failed; its run is not used as an observation");
                return;
            }
            observe(e, result);
        }
    }
}
