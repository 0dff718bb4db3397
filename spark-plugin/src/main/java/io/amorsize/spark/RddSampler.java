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
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.SizeEstimator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Draws a bounded sample from a few randomly chosen partitions with one {@code runJob} on those
 * partitions only (never a {@code count()}), streaming each partition's iterator: the first
 * records are kept (up to the record cap, and up to {@link #SAMPLE_BYTES} in all by the first
 * record's estimated size), the rest are only counted until the time budget runs out, so a
 * partition that ends within the budget yields its exact size.
 */
final class RddSampler {

    /** Bytes (in memory, estimated) the whole sample may take: it travels to the driver and back. */
    static final long SAMPLE_BYTES = 64L << 20;
    private static final int MIN_RECORDS = 3;

    private RddSampler() {
    }

    /** What one sampled partition showed. Serializable: it is the sampling task's result. */
    static final class PartSample<T> implements Serializable {
        private static final long serialVersionUID = 1L;
        final int partition;
        final ArrayList<T> records;
        final long recordsRead;
        final boolean exhausted;
        final long textBytes; // UTF-8 bytes (+1 per line) of the kept records when they are text, else -1
        final long elapsedNanos;

        PartSample(int partition, ArrayList<T> records, long recordsRead, boolean exhausted, long textBytes, long elapsedNanos) {
            this.partition = partition;
            this.records = records;
            this.recordsRead = recordsRead;
            this.exhausted = exhausted;
            this.textBytes = textBytes;
            this.elapsedNanos = elapsedNanos;
        }
    }

    /** The sample and the record-count estimate built from it. */
    record Result<T>(List<PartSample<T>> parts, Workload workload, List<String> notes) {
        List<List<T>> groups() {
            List<List<T>> g = new ArrayList<>();
            for (PartSample<T> p : parts) {
                if (!p.records.isEmpty()) {
                    g.add(p.records);
                }
            }
            return g;
        }

        int sampledRecords() {
            return parts.stream().mapToInt(p -> p.records.size()).sum();
        }
    }

    /** The sampling task: keep up to {@code cap} records, then count until the deadline. */
    static final class SampleTask<T> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, PartSample<T>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int recordCap;
        private final long byteCap;
        private final long budgetNanos;
        private final TaskTicker ticker;

        SampleTask(int recordCap, long byteCap, long budgetNanos, TaskTicker ticker) {
            this.recordCap = recordCap;
            this.byteCap = byteCap;
            this.budgetNanos = budgetNanos;
            this.ticker = ticker;
        }

        @Override
        public PartSample<T> apply(TaskContext ctx, scala.collection.Iterator<T> it) {
            long start = ticker.nanos();
            long deadline = start + budgetNanos;
            int cap = recordCap;
            ArrayList<T> kept = new ArrayList<>(Math.min(cap, 1024));
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
                if (read == 0 && t != null) {
                    // the sample travels to the driver and back: bound its bytes by the first record's size
                    long size = Math.max(1, SizeEstimator.estimate(t));
                    cap = (int) Math.max(Math.min(MIN_RECORDS, recordCap), Math.min(recordCap, byteCap / size));
                }
                if (read < cap) {
                    kept.add(t);
                    if (t instanceof CharSequence cs) {
                        text += cs.toString().getBytes(StandardCharsets.UTF_8).length + 1;
                    } else {
                        isText = false;
                    }
                }
                read++;
            }
            return new PartSample<>(ctx.partitionId(), kept, read, exhausted,
                    isText && !kept.isEmpty() ? text : -1, ticker.nanos() - start);
        }
    }

    /**
     * Samples {@code k} random partitions of {@code rdd} (all of them when it has at most {@code k}).
     *
     * @param totalCap     records kept in all, split evenly over the sampled partitions
     * @param budgetNanos  wall-time budget of one sampling task
     */
    static <T> Result<T> sample(RDD<T> rdd, KnownSizes known, int k, int totalCap, long budgetNanos, Random random) {
        return sample(rdd, known, k, totalCap, budgetNanos, random, TaskTicker.SYSTEM);
    }

    /** The time source of a sampling task: shipped to the executors with it, hence serializable. */
    @FunctionalInterface
    interface TaskTicker extends Ticker, Serializable {
        TaskTicker SYSTEM = System::nanoTime;
    }

    /** {@link #sample(RDD, KnownSizes, int, int, long, Random)} with the tasks' time source. */
    @SuppressWarnings("unchecked")
    static <T> Result<T> sample(RDD<T> rdd, KnownSizes known, int k, int totalCap, long budgetNanos, Random random,
                                TaskTicker ticker) {
        int p = known.partitions();
        List<Integer> chosen = choose(p, k, random);
        int cap = Math.max(1, totalCap / Math.max(1, chosen.size()));
        List<Object> idx = new ArrayList<>(chosen);
        ClassTag<PartSample<T>> tag = (ClassTag<PartSample<T>>) (ClassTag<?>) ClassTag$.MODULE$.apply(PartSample.class);
        long byteCap = SAMPLE_BYTES / Math.max(1, chosen.size());
        Object out = rdd.sparkContext().runJob(rdd, new SampleTask<T>(cap, byteCap, budgetNanos, ticker),
                scala.jdk.javaapi.CollectionConverters.asScala(idx).toSeq(), tag);
        List<PartSample<T>> parts = new ArrayList<>();
        for (Object o : (Object[]) out) {
            parts.add((PartSample<T>) o);
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
    static <T> Result<T> estimate(List<PartSample<T>> parts, KnownSizes known, int cap) {
        int p = Math.max(1, known.partitions());
        List<String> notes = new ArrayList<>();
        String sampled = String.format(Locale.ROOT, "sampled %d of %d partitions (up to %d records each): %s",
                parts.size(), known.partitions(), cap, describe(parts));
        notes.add(sampled);
        long exactTotal = known.totalRecords();
        if (exactTotal >= 0) {
            notes.add("records: " + exactTotal + " (exact: slices of a parallelized collection)");
            double share = exactTotal == 0 ? 1.0 / p : known.largestShare();
            return new Result<>(parts, Workload.exact(exactTotal, p).withLargestShare(clampShare(share, p)), notes);
        }
        boolean allExhausted = parts.stream().allMatch(s -> s.exhausted);
        long totalBytes = known.totalBytes();
        long textBytes = parts.stream().mapToLong(s -> s.textBytes).filter(b -> b >= 0).sum();
        long textRecords = parts.stream().filter(s -> s.textBytes >= 0).mapToLong(s -> s.records.size()).sum();
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
            notes.add(String.format(Locale.ROOT, "records: ~%d (input %d bytes ÷ %.1f sampled bytes per record, ±%.0f%%)",
                    estimate, totalBytes, bytesPerRecord, relErr * 100));
        } else if (allExhausted) {
            estimate = Math.round(mean * p);
            notes.add(String.format(Locale.ROOT, "records: ~%d (%.1f per sampled partition × %d partitions, ±%.0f%%)",
                    estimate, mean, p, relErr * 100));
        } else {
            estimate = Math.round(mean * p);
            relErr = Math.max(1.0, relErr);
            notes.add(String.format(Locale.ROOT, "records: at least ~%d (sampled partitions did not end within the"
                    + " sample budget; %.1f read per partition × %d partitions; the true count may be much larger)",
                    estimate, mean, p));
        }
        double largest = parts.stream().filter(s -> s.exhausted).mapToLong(s -> s.recordsRead).max().orElse(0);
        double share = estimate > 0 && largest > 0 ? largest / estimate : 1.0 / p;
        Workload.RecordCount count = exact ? Workload.RecordCount.exact(estimate)
                : Workload.RecordCount.estimated(estimate, relErr);
        Workload w = Workload.of(count, p).withLargestShare(clampShare(share, p));
        return new Result<>(parts, w, notes);
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

    private static String describe(List<? extends PartSample<?>> parts) {
        StringBuilder sb = new StringBuilder();
        for (PartSample<?> s : parts) {
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
