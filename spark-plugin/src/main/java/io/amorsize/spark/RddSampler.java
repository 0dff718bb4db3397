package io.amorsize.spark;

import io.amorsize.Ticker;
import io.amorsize.model.Workload;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.SizeEstimator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Reads a bounded sample from a few randomly chosen partitions with one {@code runJob} on those
 * partitions only (never a {@code count()}), one task per sampled partition, streaming each
 * partition's iterator on its executor: the first records are kept (up to the record cap and up to
 * a byte cap, every kept record sized on the executor with Spark's {@link SizeEstimator}), the rest
 * are only counted until the time budget runs out, so a partition that ends within the budget yields
 * its exact size. A {@link Probe} (the function measurement) then runs on the kept records in the
 * same task. <b>Records never travel</b>: a task returns only counts, sizes, its executor's processors
 * and the probe's bounded result bytes.
 */
final class RddSampler {

    /** Bytes (in memory, estimated) the sampled records of one job may take on the executors, in all. */
    static final long SAMPLE_BYTES = 32L << 20;

    private static final int MIN_RECORDS = 3;

    private RddSampler() {}

    /** What a sampling task's read showed, handed to the {@link Probe}. */
    record ReadStats(int partition, long recordsRead, boolean exhausted, long textBytes, int kept, long keptBytes)
            implements Serializable {}

    /** Runs on the executor after the read, on the kept records; returns a small result (bytes). */
    @FunctionalInterface
    interface Probe<T> extends Serializable {
        byte[] run(List<T> kept, ReadStats read) throws Exception;
    }

    /** What one sampled partition showed. Serializable: it is the sampling task's result. */
    static final class PartSample implements Serializable {
        private static final long serialVersionUID = 2L;
        final int partition;
        final int kept;
        final long keptBytes;
        final long recordsRead;
        final boolean exhausted;
        final long textBytes; // UTF-8 bytes (+1 per line) of the kept records when they are text, else -1
        final long elapsedNanos;
        final int processors;
        final String executorId;
        final byte[] probe; // the probe's result, or null without a probe

        PartSample(
                int partition,
                int kept,
                long keptBytes,
                long recordsRead,
                boolean exhausted,
                long textBytes,
                long elapsedNanos,
                int processors,
                String executorId,
                byte[] probe) {
            this.partition = partition;
            this.kept = kept;
            this.keptBytes = keptBytes;
            this.recordsRead = recordsRead;
            this.exhausted = exhausted;
            this.textBytes = textBytes;
            this.elapsedNanos = elapsedNanos;
            this.processors = processors;
            this.executorId = executorId;
            this.probe = probe;
        }
    }

    /** The sample and the record-count estimate built from it. */
    record Result(List<PartSample> parts, Workload workload, List<String> notes) {
        int sampledRecords() {
            return parts.stream().mapToInt(p -> p.kept).sum();
        }

        /** The fewest processors an executor of the sampling tasks reported (-1 when none did). */
        int executorProcessors() {
            return parts.stream()
                    .mapToInt(p -> p.processors)
                    .filter(n -> n > 0)
                    .min()
                    .orElse(-1);
        }

        long distinctExecutors() {
            return parts.stream().map(p -> p.executorId).distinct().count();
        }
    }

    /** The sampling task: keep up to the caps, count until the deadline, then run the probe. */
    static final class SampleTask<T> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, PartSample>
            implements Serializable {
        private static final long serialVersionUID = 2L;
        private final int recordCap;
        private final long byteCap;
        private final long budgetNanos;
        private final TaskTicker ticker;
        private final Probe<T> probe;

        SampleTask(int recordCap, long byteCap, long budgetNanos, TaskTicker ticker, Probe<T> probe) {
            this.recordCap = recordCap;
            this.byteCap = byteCap;
            this.budgetNanos = budgetNanos;
            this.ticker = ticker;
            this.probe = probe;
        }

        @Override
        public PartSample apply(TaskContext ctx, scala.collection.Iterator<T> it) {
            long start = ticker.nanos();
            long deadline = start + budgetNanos;
            int cap = recordCap;
            ArrayList<T> kept = new ArrayList<>(Math.min(cap, 1024));
            long keptBytes = 0;
            long read = 0;
            long text = 0;
            boolean isText = true;
            boolean exhausted = true;
            while (it.hasNext()) {
                // Below the cap every record is checked against the deadline; past it, every 256th.
                if ((read < cap || (read - cap) % 256 == 0) && read > 0 && ticker.nanos() > deadline) {
                    exhausted = false;
                    break;
                }
                T t = it.next();
                if (read < cap) {
                    long size = t == null ? 0 : Math.max(1, SizeEstimator.estimate(t));
                    if (kept.size() >= Math.min(MIN_RECORDS, recordCap) && keptBytes + size > byteCap) {
                        cap = kept.size(); // the byte cap: count from here on, keep no more
                    } else {
                        kept.add(t);
                        keptBytes += size;
                        if (t instanceof CharSequence cs) {
                            text += cs.toString().getBytes(StandardCharsets.UTF_8).length + 1;
                        } else {
                            isText = false;
                        }
                    }
                }
                read++;
            }
            long readNanos = ticker.nanos() - start;
            long textBytes = isText && !kept.isEmpty() ? text : -1;
            byte[] result = null;
            if (probe != null && !kept.isEmpty()) {
                try {
                    result = probe.run(
                            kept, new ReadStats(ctx.partitionId(), read, exhausted, textBytes, kept.size(), keptBytes));
                } catch (Exception e) {
                    throw new IllegalStateException("amorsize: the measurement probe failed: " + e, e);
                }
            }
            SparkEnv env = SparkEnv.get();
            return new PartSample(
                    ctx.partitionId(),
                    kept.size(),
                    keptBytes,
                    read,
                    exhausted,
                    textBytes,
                    readNanos,
                    Runtime.getRuntime().availableProcessors(),
                    env == null ? "?" : env.executorId(),
                    result);
        }
    }

    /**
     * Samples {@code k} random partitions of {@code rdd} (all of them when it has at most {@code k}).
     *
     * @param totalCap     records kept in all, split evenly over the sampled partitions
     * @param budgetNanos  wall-time budget of one sampling task
     */
    static <T> Result sample(RDD<T> rdd, KnownSizes known, int k, int totalCap, long budgetNanos, Random random) {
        return sample(rdd, known, k, totalCap, budgetNanos, random, TaskTicker.SYSTEM, null);
    }

    /** The time source of a sampling task: shipped to the executors with it, hence serializable. */
    @FunctionalInterface
    interface TaskTicker extends Ticker, Serializable {
        TaskTicker SYSTEM = System::nanoTime;
    }

    /** {@link #sample(RDD, KnownSizes, int, int, long, Random)} with the tasks' time source, no probe. */
    static <T> Result sample(
            RDD<T> rdd, KnownSizes known, int k, int totalCap, long budgetNanos, Random random, TaskTicker ticker) {
        return sample(rdd, known, k, totalCap, budgetNanos, random, ticker, null);
    }

    /**
     * Samples as {@link #sample(RDD, KnownSizes, int, int, long, Random)} and runs {@code probe}
     * (may be null) in each sampling task on that task's kept records; one job.
     */
    @SuppressWarnings("unchecked")
    static <T> Result sample(
            RDD<T> rdd,
            KnownSizes known,
            int k,
            int totalCap,
            long budgetNanos,
            Random random,
            TaskTicker ticker,
            Probe<T> probe) {
        int p = known.partitions();
        List<Integer> chosen = choose(p, k, random);
        int cap = Math.max(1, totalCap / Math.max(1, chosen.size()));
        List<Object> idx = new ArrayList<>(chosen);
        ClassTag<PartSample> tag = (ClassTag<PartSample>) (ClassTag<?>) ClassTag$.MODULE$.apply(PartSample.class);
        long byteCap = SAMPLE_BYTES / Math.max(1, chosen.size());
        Object out = rdd.sparkContext()
                .runJob(
                        rdd,
                        new SampleTask<T>(cap, byteCap, budgetNanos, ticker, probe),
                        scala.jdk.javaapi.CollectionConverters.asScala(idx).toSeq(),
                        tag);
        List<PartSample> parts = new ArrayList<>();
        for (Object o : (Object[]) out) {
            parts.add((PartSample) o);
        }
        return estimate(parts, known, cap);
    }

    /** {@code k} distinct partition indices in increasing order. */
    static List<Integer> choose(int partitions, int k, Random random) {
        if (partitions <= k) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                all.add(i);
            }
            return all;
        }
        TreeSet<Integer> s = new TreeSet<>();
        while (s.size() < k) {
            s.add(random.nextInt(partitions));
        }
        return new ArrayList<>(s);
    }

    /** The workload estimate from sampled partitions and what is known for free. */
    static Result estimate(List<PartSample> parts, KnownSizes known, int cap) {
        int p = Math.max(1, known.partitions());
        List<String> notes = new ArrayList<>();
        String sampled = String.format(
                Locale.ROOT,
                "sampled %d of %d partitions (up to %d records each): %s",
                parts.size(),
                known.partitions(),
                cap,
                describe(parts));
        notes.add(sampled);
        long exactTotal = known.totalRecords();
        if (exactTotal >= 0) {
            notes.add("records: " + exactTotal + " (exact: slices of a parallelized collection)");
            double share = exactTotal == 0 ? 1.0 / p : known.largestShare();
            return new Result(parts, Workload.exact(exactTotal, p).withLargestShare(clampShare(share, p)), notes);
        }
        boolean allExhausted = parts.stream().allMatch(s -> s.exhausted);
        long totalBytes = known.totalBytes();
        long textBytes =
                parts.stream().mapToLong(s -> s.textBytes).filter(b -> b >= 0).sum();
        long textRecords = parts.stream()
                .filter(s -> s.textBytes >= 0)
                .mapToLong(s -> s.kept)
                .sum();
        double[] counts = parts.stream().mapToDouble(s -> s.recordsRead).toArray();
        double mean = Arrays.stream(counts).average().orElse(0);
        double sd = stddev(counts, mean);
        int k = parts.size();
        double fpc = p > 1 ? Math.sqrt(Math.max(0.0, (double) (p - k) / (p - 1))) : 0.0;
        double relErr = mean > 0 && k > 0 ? sd / mean / Math.sqrt(k) * fpc : 0.0;
        long estimate;
        boolean exact = false;
        if (allExhausted && k == p) {
            exact = true;
            estimate = Math.round(mean * k);
            notes.add("records: " + estimate + " (exact: every partition was read to its end)");
            relErr = 0;
        } else if (!allExhausted && totalBytes > 0 && textRecords > 0 && textBytes > 0) {
            double bytesPerRecord = (double) textBytes / textRecords;
            estimate = Math.round(totalBytes / bytesPerRecord);
            relErr = Math.max(0.1, relErr);
            notes.add(String.format(
                    Locale.ROOT,
                    "records: ~%d (input %d bytes ÷ %.1f sampled bytes per record, ±%.0f%%)",
                    estimate,
                    totalBytes,
                    bytesPerRecord,
                    relErr * 100));
        } else if (allExhausted) {
            estimate = Math.round(mean * p);
            notes.add(String.format(
                    Locale.ROOT,
                    "records: ~%d (%.1f per sampled partition × %d partitions, ±%.0f%%)",
                    estimate,
                    mean,
                    p,
                    relErr * 100));
        } else {
            estimate = Math.round(mean * p);
            relErr = Math.max(1.0, relErr);
            notes.add(String.format(
                    Locale.ROOT,
                    "records: at least ~%d (sampled partitions did not end within the"
                            + " sample budget; %.1f read per partition × %d partitions; the true count may be much larger)",
                    estimate,
                    mean,
                    p));
        }
        double largest = parts.stream()
                .filter(s -> s.exhausted)
                .mapToLong(s -> s.recordsRead)
                .max()
                .orElse(0);
        double share = estimate > 0 && largest > 0 ? largest / estimate : 1.0 / p;
        Workload.RecordCount count =
                exact ? Workload.RecordCount.exact(estimate) : Workload.RecordCount.estimated(estimate, relErr);
        Workload w = Workload.of(count, p).withLargestShare(clampShare(share, p));
        return new Result(parts, w, notes);
    }

    private static double clampShare(double share, int p) {
        if (!(share > 0) || Double.isNaN(share)) {
            return 1.0 / p;
        }
        return Math.min(1.0, Math.max(1.0 / p, share));
    }

    private static double stddev(double[] v, double mean) {
        if (v.length < 2) {
            return 0;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    private static String describe(List<PartSample> parts) {
        StringBuilder sb = new StringBuilder();
        for (PartSample s : parts) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            if (sb.length() > 200) {
                sb.append("...");
                break;
            }
            sb.append('#').append(s.partition).append('=').append(s.recordsRead).append(s.exhausted ? "" : "+");
        }
        return sb.toString();
    }
}
