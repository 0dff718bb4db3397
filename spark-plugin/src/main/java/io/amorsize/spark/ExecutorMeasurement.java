package io.amorsize.spark;

import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.FunctionFailedException;
import io.amorsize.measure.MeasureReport;
import io.amorsize.measure.Measured;
import io.amorsize.measure.Measurer;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.recommend.DecisionStopRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag$;

/**
 * Times the user's function inside the sampling tasks ({@link RddSampler.Probe}): on the executor
 * that read each sampled partition, a core {@link Measurer} built there from plain option values
 * (with the optimizer's {@link DecisionStopRule} unless {@code measure.stop-when-stable} is off)
 * warms up and times the function on that partition's kept records, and the {@link Measured}
 * profile and report come back Java-serialized as bytes (independent of the configured
 * serializer). The driver merges the tasks' profiles ({@link #merge}); between-partition variance
 * comes from the tasks. A function failure is returned as text, never as a failed task (which Spark
 * would retry).
 */
final class ExecutorMeasurement {

    /** Phase of the one job of a miss: it samples and measures. */
    static final String PHASE = "sample";

    private ExecutorMeasurement() {}

    /** The measurement budgets as primitives (core's Settings are not serializable). */
    record Budgets(long sampleNanos, long warmupNanos, long measureNanos, int maxRecords) implements Serializable {
        static Budgets of(Settings s) {
            return new Budgets(
                    s.get(Options.SAMPLE_BUDGET).toNanos(),
                    s.get(Options.WARMUP_BUDGET).toNanos(),
                    s.get(Options.MEASURE_BUDGET).toNanos(),
                    s.get(Options.SAMPLE_MAX_RECORDS));
        }

        /** A Measurer built on the executor; records are sized with the application's serializer. */
        Measurer measurer() {
            Measurer m = Measurer.withBudgets(
                    Duration.ofNanos(sampleNanos),
                    Duration.ofNanos(warmupNanos),
                    Duration.ofNanos(measureNanos),
                    Math.max(3, maxRecords));
            SparkEnv env = SparkEnv.get();
            if (env == null) {
                return m;
            }
            SerializerInstance ser = env.serializer().newInstance();
            return m.withSizer(record -> {
                if (record == null) {
                    return 0;
                }
                try {
                    return ser.serialize(record, ClassTag$.MODULE$.AnyRef()).remaining();
                } catch (Throwable t) {
                    return -1;
                }
            });
        }
    }

    /**
     * What a sampling task needs to measure with the decision-driven stop: the budgets, the settings
     * as option text ({@link Settings#portable()}: no secret), the cluster as known before measuring,
     * and the workload when it is known on the driver (else the task estimates it from its read).
     */
    record Spec(
            Budgets budgets,
            Map<String, String> settings,
            ClusterShape cluster,
            Workload knownWorkload,
            int partitions,
            long totalBytes)
            implements Serializable {
        static Spec of(Settings s, ClusterShape cluster, Workload known, KnownSizes sizes) {
            return new Spec(
                    Budgets.of(s),
                    new HashMap<>(s.portable()),
                    cluster,
                    known,
                    Math.max(1, sizes.partitions()),
                    sizes.totalBytes());
        }

        /** Budgets only, no stop rule (the Measurer's fixed stop conditions). */
        static Spec budgetsOnly(Budgets budgets) {
            return new Spec(budgets, null, null, null, 1, -1);
        }

        Measurer measurer(RddSampler.ReadStats read) {
            Measurer m = budgets.measurer();
            if (settings == null || cluster == null) {
                return m;
            }
            Settings s = Settings.builder().perCall(settings).build();
            return DecisionStopRule.attach(m, s, workload(read), cluster);
        }

        /** The workload as this task sees it: the driver's when known, else from the task's own read. */
        Workload workload(RddSampler.ReadStats read) {
            if (knownWorkload != null) {
                return knownWorkload;
            }
            long est = read.recordsRead() * partitions;
            if (!read.exhausted() && read.textBytes() > 0 && totalBytes > 0 && read.kept() > 0) {
                est = Math.max(est, Math.round(totalBytes / ((double) read.textBytes() / read.kept())));
            }
            return Workload.of(Math.max(1, est), partitions);
        }
    }

    /** A sampling task's measurement result. */
    record Outcome(
            CostProfile profile,
            MeasureReport report,
            String error,
            FunctionFailedException failure,
            long pid,
            String executorId)
            implements Serializable {
        String where() {
            return "executor " + executorId + " (pid " + pid + ")";
        }
    }

    /** The probe that times a per-record function on a sampling task's records. */
    static <T, R> RddSampler.Probe<T> records(Function<T, R> fn, Spec spec) {
        return (kept, read) -> {
            Outcome o;
            try {
                o = ok(spec.measurer(read).measureWithReport(List.of(kept), fn::call));
            } catch (Throwable e) {
                o = failed(e);
            }
            return toBytesOrText(o);
        };
    }

    /** The probe that times a batch function at several batch sizes on a sampling task's records. */
    static <T, R> RddSampler.Probe<T> batches(Function<List<T>, List<R>> fn, Spec spec) {
        return (kept, read) -> {
            Outcome o;
            try {
                o = ok(spec.measurer(read).measureBatchesWithReport(kept, fn::call));
            } catch (Throwable e) {
                o = failed(e);
            }
            return toBytesOrText(o);
        };
    }

    /** The outcomes of a sampling job's tasks (those that kept records). */
    static List<Outcome> outcomes(RddSampler.Result sample) {
        List<Outcome> out = new ArrayList<>();
        for (RddSampler.PartSample p : sample.parts()) {
            if (p.probe != null) {
                out.add(fromBytes(p.probe));
            }
        }
        return out;
    }

    /**
     * One profile from the tasks' profiles, weighted by their timed records: the mean of means, the
     * variance within and between tasks, quantiles averaged (the maximum is the largest), partition
     * skew as the most expensive task's mean over the overall mean, CPU, allocation and sizes
     * averaged when every task knew them, batch fits averaged.
     */
    static CostProfile merge(List<CostProfile> profiles) {
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no profile to merge");
        }
        if (profiles.size() == 1) {
            return profiles.get(0);
        }
        double n = 0;
        double mean = 0;
        for (CostProfile p : profiles) {
            n += p.sampleSize();
            mean += p.sampleSize() * p.meanNanos();
        }
        mean /= n;
        double var = 0;
        double p50 = 0;
        double p95 = 0;
        double p99 = 0;
        double max = 0;
        double worst = 0;
        boolean steady = true;
        boolean cpuKnown = true;
        boolean allocKnown = true;
        boolean inKnown = true;
        boolean outKnown = true;
        double cpu = 0;
        double alloc = 0;
        double in = 0;
        double outBytes = 0;
        double fixed = 0;
        double perRecord = 0;
        int points = 0;
        double r2 = 1;
        boolean batch = true;
        for (CostProfile p : profiles) {
            double w = p.sampleSize() / n;
            double sd = p.stddevNanos();
            var += w * (sd * sd + (p.meanNanos() - mean) * (p.meanNanos() - mean));
            p50 += w * p.p50Nanos();
            p95 += w * p.p95Nanos();
            p99 += w * p.p99Nanos();
            max = Math.max(max, p.maxNanos());
            worst = Math.max(worst, p.meanNanos() * p.partitionSkew());
            steady &= p.steadyState();
            cpuKnown &= p.resources().cpuKnown();
            allocKnown &= p.resources().allocationKnown();
            inKnown &= p.sizes().inputKnown();
            outKnown &= p.sizes().outputKnown();
            cpu += w * p.cpuNanos();
            alloc += w * p.allocatedBytes();
            in += w * p.inputBytes();
            outBytes += w * p.outputBytes();
            if (p.isBatch()) {
                fixed += w * p.batchFit().fixedNanos();
                perRecord += w * p.batchFit().perRecordNanos();
                points += p.batchFit().points();
                r2 = Math.min(r2, p.batchFit().rSquared());
            } else {
                batch = false;
            }
        }
        double cv = Math.sqrt(Math.max(0, var)) / mean;
        double skew = Math.max(1.0, worst / mean);
        CostProfile merged = new CostProfile(
                new CostProfile.Sample((int) Math.min(Integer.MAX_VALUE, Math.round(n)), steady, skew),
                new CostProfile.Timing(mean, p50, Math.max(p50, p95), Math.max(p95, p99), Math.max(max, p99), cv),
                new CostProfile.Resources(
                        cpuKnown ? cpu : CostProfile.UNKNOWN, allocKnown ? alloc : CostProfile.UNKNOWN),
                CostProfile.Sizes.of(inKnown ? in : CostProfile.UNKNOWN, outKnown ? outBytes : CostProfile.UNKNOWN),
                null);
        return batch
                ? merged.withBatchFit(new BatchFit(Math.max(0, fixed), Math.max(0, perRecord), points, r2))
                : merged;
    }

    /** Why the tasks stopped, the most common reason first (e.g. "decision stable"). */
    static String stops(List<Outcome> outcomes) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (o.report() != null) {
                counts.merge(o.report().stop().toString(), 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> e = new ArrayList<>(counts.entrySet());
        e.sort((a, b) -> b.getValue() - a.getValue());
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> x : e) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(x.getKey());
            if (e.size() > 1) {
                sb.append(" (").append(x.getValue()).append(')');
            }
        }
        return sb.length() == 0 ? "?" : sb.toString();
    }

    private static Outcome ok(Measured m) {
        return new Outcome(
                m.profile(), m.report(), null, null, ProcessHandle.current().pid(), executorId());
    }

    private static Outcome failed(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        FunctionFailedException f = e instanceof FunctionFailedException ffe ? ffe : null;
        return new Outcome(null, null, msg, f, ProcessHandle.current().pid(), executorId());
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /** The outcome's bytes; when the user's exception cannot be serialized, its text only. */
    static byte[] toBytesOrText(Outcome o) throws IOException {
        try {
            return toBytes(o);
        } catch (IOException e) {
            return toBytes(new Outcome(o.profile(), o.report(), o.error(), null, o.pid(), o.executorId()));
        }
    }

    static byte[] toBytes(Outcome o) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
        }
        return bos.toByteArray();
    }

    static Outcome fromBytes(byte[] b) {
        // resolve classes (the user's exception types) through the context loader, as Spark does
        // for application jars added with --jars
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                ClassLoader cl = Thread.currentThread().getContextClassLoader();
                if (cl != null) {
                    try {
                        return Class.forName(desc.getName(), false, cl);
                    } catch (ClassNotFoundException e) {
                        // fall through to the default resolution
                    }
                }
                return super.resolveClass(desc);
            }
        }) {
            return (Outcome) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read the measurement result: " + e, e);
        }
    }
}
