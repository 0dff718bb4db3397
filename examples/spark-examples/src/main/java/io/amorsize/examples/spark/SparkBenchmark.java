package io.amorsize.examples.spark;

import io.amorsize.Recommendation;
import io.amorsize.spark.AmorsizeSpark;
import io.amorsize.spark.SparkTuneOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * The Spark benchmark (docs/BENCHMARKS.md, section "Spark") on {@code local[2]}: seven workloads, each run with the partitioning
 * as given, with Amorsize cold (cache miss, tuning time included, the cluster's overhead forgotten),
 * warm (cache hit), the oracle (best of a sweep) and the ideal W/C. Writes the "## Spark" section of
 * {@code docs/BENCHMARKS.md} and {@code docs/spark-makespan.svg}.
 *
 * <p>Run: {@code mvn -B -q -pl examples/spark-examples -am package exec:exec -DskipTests
 * -Dexec.executable=java} (add {@code -Dbenchmark.args="--out DIR --reps N"}; default: docs, 3).
 */
public final class SparkBenchmark {

    private static final int SLOTS = 2;

    private final JavaSparkContext jsc;
    private final int reps;
    /** Iterations of {@link #work} that take 1 ms of one core. */
    private final long oneMs = iterationsPerMilli();

    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private int coldSeq;

    /** Spark jobs Amorsize ran (jobs with the {@code amorsize.phase} local property). */
    private final java.util.concurrent.atomic.AtomicInteger amorsizeJobs =
            new java.util.concurrent.atomic.AtomicInteger();

    private SparkBenchmark(JavaSparkContext jsc, int reps) {
        this.jsc = jsc;
        this.reps = reps;
        jsc.sc().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
                if (e.properties() != null && e.properties().getProperty(AmorsizeSpark.JOB_PHASE_PROPERTY) != null) {
                    amorsizeJobs.incrementAndGet();
                }
            }
        });
    }

    /** Waits until the listener bus has delivered the events posted so far (bounded). */
    private void drain() {
        try {
            jsc.sc().listenerBus().waitUntilEmpty(10_000);
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println("listener bus did not drain in 10 s");
        }
    }

    /** {@code n} text files with sizes spread evenly over 50-500 KB, in a temporary directory. */
    private static Path largeRecordFiles(int n) throws IOException {
        Path dir = Files.createTempDirectory("amorsize-bench-files");
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < n; i++) {
            int kb = 50 + (int) Math.round(450.0 * i / Math.max(1, n - 1));
            StringBuilder sb = new StringBuilder(kb * 1024);
            while (sb.length() < kb * 1024) {
                sb.append((char) ('a' + rnd.nextInt(26)));
                if (sb.length() % 80 == 79) {
                    sb.append('\n');
                }
            }
            Files.writeString(dir.resolve(String.format(Locale.ROOT, "doc-%04d.txt", i)), sb);
        }
        dir.toFile().deleteOnExit();
        return dir;
    }

    /** The targets, one line each: met, or by how much missed. */
    private static String targets(List<Row> rows) {
        StringBuilder sb = new StringBuilder("Targets (issue 10, `local[2]`):\n\n");
        for (Row r : rows) {
            double allowed = "d".equals(r.id()) ? 0.05 * r.givenS() : Math.max(0.150, 0.05 * r.givenS());
            sb.append(String.format(
                    Locale.ROOT,
                    "- (%s) cold tuning spend %.0f ms vs allowed %.0f ms: %s",
                    r.id(),
                    r.coldTuningS() * 1e3,
                    allowed * 1e3,
                    r.coldTuningS() <= allowed
                            ? "met"
                            : String.format(
                                    Locale.ROOT,
                                    "missed by %.0f ms (%.1fx)",
                                    (r.coldTuningS() - allowed) * 1e3,
                                    r.coldTuningS() / allowed)));
            if (r.givenS() >= 3) {
                double ratio = r.coldS() / r.oracleS();
                sb.append(String.format(
                        Locale.ROOT,
                        "; cold run %.2fx the oracle (target <= 1.10x): %s",
                        ratio,
                        ratio <= 1.10 ? "met" : "missed"));
            }
            if ("efg".contains(r.id()) && r.keep()) {
                double slower = r.coldS() / r.givenS() - 1;
                sb.append(String.format(
                        Locale.ROOT,
                        "; KEEP, cold %+.1f %% vs given (target <= +5 %%): %s",
                        slower * 100,
                        slower <= 0.05 ? "met" : "missed"));
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "; %d Spark job%s per miss (target 1): %s%n",
                    r.jobsPerMiss(),
                    r.jobsPerMiss() == 1 ? "" : "s",
                    r.jobsPerMiss() <= 1 ? "met" : "missed"));
        }
        return sb.append('\n').toString();
    }

    // ---- workloads ----------------------------------------------------------------------------

    /**
     * A fixed amount of CPU work (a dependent chain of multiply-xorshift steps the JIT cannot skip).
     * Unlike a spin until a wall-clock deadline, it slows down honestly when the CPU is shared, so
     * configurations compare fairly on a loaded machine.
     */
    static long work(long seed, long iterations) {
        long h = seed;
        for (long i = 0; i < iterations; i++) {
            h = h * 6364136223846793005L + 1442695040888963407L;
            h ^= h >>> 29;
        }
        return h;
    }

    /**
     * Iterations of {@link #work} per millisecond of one idle core: the fastest of 15 timings after JIT
     * warm-up, so that another process holding the CPU for a moment does not halve the nominal
     * millisecond (a WARN line says when the timings spread).
     */
    static long iterationsPerMilli() {
        long sink = 0;
        for (int i = 0; i < 300; i++) {
            sink += work(i, 200_000);
        }
        double[] ms = new double[15];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            sink += work(i, 2_000_000);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        if (ms[ms.length / 2] > 1.3 * ms[0]) {
            System.err.printf(
                    Locale.ROOT,
                    "WARN calibration: median %.1f ms vs fastest %.1f ms: the CPU was shared while calibrating%n",
                    ms[ms.length / 2],
                    ms[0]);
        }
        long perMs = Math.round(2_000_000 / ms[0]);
        return sink == 42 ? perMs + 1 : perMs;
    }

    /** A per-record workload: input, function, nominal total work, the sweep of partition counts. */
    record RecordWorkload<T>(
            String id,
            String title,
            Supplier<JavaRDD<T>> input,
            Function<T, Integer> fn,
            double idealSeconds,
            int[] sweep) {}

    /** The batch workload: input, batch function, sweep of batch sizes. */
    record BatchWorkload(
            String id,
            String title,
            Supplier<JavaRDD<Integer>> input,
            Function<List<Integer>, List<Integer>> fn,
            double idealSeconds,
            int[] sweep) {}

    /** One row of the results table. */
    record Row(
            String id,
            String title,
            String given,
            double givenS,
            double coldS,
            double coldTuningS,
            double warmS,
            double warmOverheadMs,
            double oracleS,
            String oracleAt,
            double idealS,
            String pick,
            double[] sweepX,
            double[] sweepS,
            double givenX,
            double pickX,
            int jobsPerMiss,
            boolean keep) {
        double speedup() {
            return givenS / coldS;
        }

        double coldVsOracle() {
            return coldS / oracleS - 1;
        }
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private List<RecordWorkload<?>> recordWorkloads() throws IOException {
        List<RecordWorkload<?>> w = new ArrayList<>();
        long one = oneMs; // a local: the closures must not capture the benchmark object
        List<Integer> a = range(8000);
        w.add(new RecordWorkload<>(
                "a",
                "CPU-heavy, 1 ms/record, 8,000 records in 1 partition",
                () -> jsc.parallelize(a, 1),
                x -> (int) work(x, one),
                8000 * 1e-3 / SLOTS,
                new int[] {1, 2, 3, 4, 8, 16, 32}));
        List<Integer> b = range(1_000_000);
        Function<Integer, Integer> cheap = x -> (x * 0x9E3779B1) ^ (x >>> 7);
        w.add(new RecordWorkload<>(
                "b",
                "cheap function, 1,000,000 records in 4,000 partitions",
                () -> jsc.parallelize(b, 4000),
                cheap,
                serialSeconds(b, cheap) / SLOTS,
                new int[] {2, 4, 16, 64, 256, 1000, 4000}));
        List<Integer> c = range(12_000); // partition 0 = records 0..5999, all expensive
        w.add(new RecordWorkload<>(
                "c",
                "skewed: 12,000 records in 2 partitions, the 1 ms records all in partition 0",
                () -> jsc.parallelize(c, 2),
                x -> (int) work(x, x < 6000 ? one : one / 1000),
                (6000 * 1e-3 + 6000 * 1e-6) / SLOTS,
                new int[] {2, 3, 4, 8, 16, 32}));
        List<Integer> e = range(8000);
        w.add(new RecordWorkload<>(
                "e",
                "already right: 1 ms/record, 8,000 records in 2 partitions",
                () -> jsc.parallelize(e, 2),
                x -> (int) work(x, one),
                8000 * 1e-3 / SLOTS,
                new int[] {1, 2, 4, 8, 16}));
        // (f) large records: one text file per record, 50-500 KB, read with wholeTextFiles; the function
        // costs ~1 ms per 100 KB (a checksum over the text, a few passes)
        Path files = largeRecordFiles(160);
        long totalChars = 0;
        try (var list = Files.list(files)) {
            for (Path f : list.toList()) {
                totalChars += Files.size(f);
            }
        }
        long perKb = Math.max(1, one / 100);
        Function<String, Integer> checksum = text -> {
            long h = 0;
            for (int i = 0; i < text.length(); i += 64) {
                h = h * 31 + text.charAt(i);
            }
            return (int) work(h, perKb * text.length() / 1024);
        };
        String dir = files.toString();
        w.add(new RecordWorkload<>(
                "f",
                "large records: 160 text files of 50-500 KB (wholeTextFiles), ~1 ms per 100 KB",
                () -> jsc.wholeTextFiles(dir, 2).values(),
                checksum,
                totalChars / 1024.0 * perKb / one * 1e-3 / SLOTS,
                new int[] {1, 2, 4, 8, 16}));
        // (g) a short job: the given partitioning takes 1-2 s
        List<Integer> g = range(1500);
        w.add(new RecordWorkload<>(
                "g",
                "short job: 1 ms/record, 1,500 records in 1 partition (given takes 1-2 s)",
                () -> jsc.parallelize(g, 1),
                x -> (int) work(x, one),
                1500 * 1e-3 / SLOTS,
                new int[] {1, 2, 4, 8}));
        return w;
    }

    private BatchWorkload batchWorkload() {
        List<Integer> d = range(800);
        long perRecord = oneMs / 50;
        Function<List<Integer>, List<Integer>> fn = batch -> {
            Thread.sleep(20); // fixed cost per call, like a request round trip
            List<Integer> out = new ArrayList<>(batch.size());
            for (Integer x : batch) {
                out.add((int) work(x, perRecord)); // 20 us of CPU per record
            }
            return out;
        };
        return new BatchWorkload(
                "d",
                "batchable I/O-like: 20 ms per call + 20 us/record, 800 records in 2 partitions",
                () -> jsc.parallelize(d, 2),
                fn,
                (0.020 + 400 * 20e-6),
                new int[] {1, 4, 16, 64, 200, 400});
    }

    private static double serialSeconds(List<Integer> data, Function<Integer, Integer> fn) {
        try {
            long sink = 0;
            for (int r = 0; r < 3; r++) { // warm-up
                for (Integer x : data) {
                    sink += fn.call(x);
                }
            }
            long t0 = System.nanoTime();
            for (Integer x : data) {
                sink += fn.call(x);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return sink == 42 ? s + 1e-12 : s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- measurement --------------------------------------------------------------------------

    private static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private double median(Supplier<Double> run) {
        return median(reps, run);
    }

    private static double median(int n, Supplier<Double> run) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = run.get();
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private int sweepReps() {
        return Math.max(1, Math.min(2, reps));
    }

    private static <T> JavaRDD<T> shaped(JavaRDD<T> rdd, int p) {
        int p0 = rdd.getNumPartitions();
        if (p == p0) {
            return rdd;
        }
        return p < p0 ? rdd.coalesce(p, false) : rdd.repartition(p);
    }

    private <T> Row run(RecordWorkload<T> w) {
        System.err.printf(Locale.ROOT, "%n== (%s) %s%n", w.id(), w.title());
        JavaRDD<T> probe = w.input().get();
        int p0 = probe.getNumPartitions();
        double given = median(() -> seconds(() -> w.input().get().map(w.fn()).count()));
        System.err.printf(Locale.ROOT, "given %d partitions: %.3f s%n", p0, given);
        double[] sweepS = new double[w.sweep().length];
        double[] sweepX = new double[w.sweep().length];
        double oracle = Double.MAX_VALUE;
        int oracleP = p0;
        for (int i = 0; i < w.sweep().length; i++) {
            int p = w.sweep()[i];
            sweepX[i] = p;
            sweepS[i] = p == p0
                    ? given
                    : median(
                            sweepReps(),
                            () -> seconds(
                                    () -> shaped(w.input().get(), p).map(w.fn()).count()));
            System.err.printf(Locale.ROOT, "sweep %d partitions: %.3f s%n", p, sweepS[i]);
            if (sweepS[i] < oracle) {
                oracle = sweepS[i];
                oracleP = p;
            }
        }
        // cold: a function identity never seen before, the overhead forgotten: everything is paid
        double[] coldTuning = new double[1];
        int[] jobs = new int[1];
        Recommendation[] picked = new Recommendation[1];
        double cold = median(() -> {
            AmorsizeSpark.forgetCalibration();
            SparkTuneOptions fresh = SparkTuneOptions.builder()
                    .function("bench-" + w.id(), runId + "-" + (++coldSeq))
                    .build();
            long t0 = System.nanoTime();
            JavaRDD<T> in = w.input().get();
            // The input's own split computation (seconds for wholeTextFiles over many files): every job
            // on this RDD pays it once, with or without Amorsize, so it is in the total, not in the tuning.
            in.partitions();
            long tuneStart = System.nanoTime();
            int before = amorsizeJobs.get();
            Recommendation rec = AmorsizeSpark.recommend(in, w.fn(), fresh);
            JavaRDD<T> tuned = AmorsizeSpark.apply(in, rec);
            long t1 = System.nanoTime();
            drain();
            jobs[0] = Math.max(jobs[0], amorsizeJobs.get() - before);
            tuned.map(w.fn()).count();
            double total = (System.nanoTime() - t0) / 1e9;
            coldTuning[0] = Math.max(coldTuning[0], (t1 - tuneStart) / 1e9);
            picked[0] = rec;
            return total;
        });
        Recommendation rec = picked[0];
        System.err.printf(
                Locale.ROOT, "cold: %.3f s (tuning up to %.3f s) -> %s%n%s%n", cold, coldTuning[0], rec, rec.explain());
        SparkTuneOptions warmId = SparkTuneOptions.builder()
                .function("bench-" + w.id(), runId + "-" + coldSeq)
                .build();
        double warm = median(
                () -> seconds(() -> AmorsizeSpark.repartitionOptimal(w.input().get(), w.fn(), warmId)
                        .map(w.fn())
                        .count()));
        double overheadMs = warmOverheadMs(w.input().get(), w.fn(), warmId);
        System.err.printf(Locale.ROOT, "warm: %.3f s, repartitionOptimal p50 %.2f ms%n", warm, overheadMs);
        String pick = rec.partitions() + " (" + rec.action().name().toLowerCase(Locale.ROOT) + ")";
        return new Row(
                w.id(),
                w.title(),
                p0 + " partitions",
                given,
                cold,
                coldTuning[0],
                warm,
                overheadMs,
                oracle,
                oracleP + " partitions",
                w.idealSeconds(),
                pick,
                sweepX,
                sweepS,
                p0,
                rec.partitions(),
                jobs[0],
                rec.action() == io.amorsize.Action.KEEP);
    }

    private <T> double warmOverheadMs(JavaRDD<T> in, Function<T, Integer> fn, SparkTuneOptions id) {
        double[] v = new double[21];
        for (int i = 0; i < v.length; i++) {
            long t0 = System.nanoTime();
            AmorsizeSpark.repartitionOptimal(in, fn, id);
            v[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static <T, R> JavaRDD<R> batched(JavaRDD<T> rdd, int b, Function<List<T>, List<R>> fn) {
        return rdd.mapPartitions(it -> new Iterator<R>() {
            private Iterator<R> cur = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!cur.hasNext() && it.hasNext()) {
                    List<T> batch = new ArrayList<>(b);
                    while (batch.size() < b && it.hasNext()) {
                        batch.add(it.next());
                    }
                    try {
                        cur = fn.call(batch).iterator();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
                return cur.hasNext();
            }

            @Override
            public R next() {
                hasNext();
                return cur.next();
            }
        });
    }

    private Row run(BatchWorkload w) {
        System.err.printf(Locale.ROOT, "%n== (%s) %s%n", w.id(), w.title());
        int p0 = w.input().get().getNumPartitions();
        double given =
                median(() -> seconds(() -> batched(w.input().get(), 1, w.fn()).count()));
        System.err.printf(Locale.ROOT, "given batch 1: %.3f s%n", given);
        double[] sweepS = new double[w.sweep().length];
        double[] sweepX = new double[w.sweep().length];
        double oracle = Double.MAX_VALUE;
        int oracleB = 1;
        for (int i = 0; i < w.sweep().length; i++) {
            int b = w.sweep()[i];
            sweepX[i] = b;
            sweepS[i] = b == 1
                    ? given
                    : median(
                            sweepReps(),
                            () -> seconds(
                                    () -> batched(w.input().get(), b, w.fn()).count()));
            System.err.printf(Locale.ROOT, "sweep batch %d: %.3f s%n", b, sweepS[i]);
            if (sweepS[i] < oracle) {
                oracle = sweepS[i];
                oracleB = b;
            }
        }
        double[] coldTuning = new double[1];
        int[] jobs = new int[1];
        double cold = median(() -> {
            AmorsizeSpark.forgetCalibration();
            SparkTuneOptions fresh = SparkTuneOptions.builder()
                    .function("bench-" + w.id(), runId + "-" + (++coldSeq))
                    .build();
            long t0 = System.nanoTime();
            int before = amorsizeJobs.get();
            JavaRDD<Integer> out = AmorsizeSpark.mapBatches(w.input().get(), w.fn(), fresh);
            long t1 = System.nanoTime();
            drain();
            jobs[0] = Math.max(jobs[0], amorsizeJobs.get() - before);
            out.count();
            coldTuning[0] = Math.max(coldTuning[0], (t1 - t0) / 1e9);
            return (System.nanoTime() - t0) / 1e9;
        });
        SparkTuneOptions warmId = SparkTuneOptions.builder()
                .function("bench-" + w.id(), runId + "-" + coldSeq)
                .build();
        double warm = median(() -> seconds(
                () -> AmorsizeSpark.mapBatches(w.input().get(), w.fn(), warmId).count()));
        double[] ov = new double[21];
        for (int i = 0; i < ov.length; i++) {
            long t0 = System.nanoTime();
            AmorsizeSpark.mapBatches(w.input().get(), w.fn(), warmId);
            ov[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ov);
        Recommendation rec = AmorsizeSpark.recommendBatches(w.input().get(), w.fn(), warmId);
        String pick = "batch " + rec.batchSize() + ", " + rec.partitions() + " partitions";
        System.err.println(rec.explain());
        System.err.printf(
                Locale.ROOT,
                "cold %.3f s (tuning up to %.3f s), warm %.3f s, mapBatches p50 %.2f ms%n",
                cold,
                coldTuning[0],
                warm,
                ov[ov.length / 2]);
        return new Row(
                w.id(),
                w.title(),
                "batch 1, " + p0 + " partitions",
                given,
                cold,
                coldTuning[0],
                warm,
                ov[ov.length / 2],
                oracle,
                "batch " + oracleB,
                w.idealSeconds(),
                pick,
                sweepX,
                sweepS,
                1,
                Double.NaN,
                jobs[0],
                false);
    }

    // ---- report -------------------------------------------------------------------------------

    private static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| workload | given | Amorsize cold (tuning) | Amorsize warm | warm call p50 | oracle (best of sweep) |"
                        + " ideal W/C | Amorsize pick | jobs per miss | tuning / given | speedup vs given | cold vs oracle |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| (%s) %s | %.2f s (%s) | %.2f s (%.3f s) | %.2f s | %.2f ms | %.2f s (%s) | %.2f s | %s | %d | %.1f %% | %.2fx | %+.0f %% |%n",
                    r.id(),
                    r.title(),
                    r.givenS(),
                    r.given(),
                    r.coldS(),
                    r.coldTuningS(),
                    r.warmS(),
                    r.warmOverheadMs(),
                    r.oracleS(),
                    r.oracleAt(),
                    r.idealS(),
                    r.pick(),
                    r.jobsPerMiss(),
                    r.coldTuningS() / r.givenS() * 100,
                    r.speedup(),
                    r.coldVsOracle() * 100));
        }
        return sb.toString();
    }

    static String svg(List<Row> rows) {
        int w = 300;
        int h = 240;
        int padL = 45;
        int padB = 35;
        int padT = 30;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                w * rows.size(),
                h + 30));
        for (int k = 0; k < rows.size(); k++) {
            Row r = rows.get(k);
            int ox = k * w;
            double xmin = Math.log(Arrays.stream(r.sweepX()).min().orElse(1)) / Math.log(2);
            double xmax = Math.log(Arrays.stream(r.sweepX()).max().orElse(2)) / Math.log(2);
            if (xmax <= xmin) {
                xmax = xmin + 1;
            }
            double ymax = Math.max(Arrays.stream(r.sweepS()).max().orElse(1), Math.max(r.givenS(), r.warmS())) * 1.1;
            final double fxmin = xmin;
            final double fxmax = xmax;
            java.util.function.DoubleUnaryOperator px =
                    x -> ox + padL + (Math.log(x) / Math.log(2) - fxmin) / (fxmax - fxmin) * (w - padL - 15);
            java.util.function.DoubleUnaryOperator py = y -> padT + (1 - y / ymax) * (h - padT - padB);
            sb.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"16\" font-weight=\"bold\">(%s) %s</text>%n",
                    ox + 5,
                    r.id(),
                    r.id().equals("a")
                            ? "1 partition, 1 ms/record"
                            : r.id().equals("b") ? "4,000 tiny partitions" : "skewed cost"));
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n",
                    ox + padL,
                    h - padB,
                    ox + w - 10,
                    h - padB));
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n",
                    ox + padL,
                    padT,
                    ox + padL,
                    h - padB));
            for (int t = 0; t <= 4; t++) {
                double y = ymax * t / 4;
                sb.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f s</text>%n",
                        ox + padL - 3,
                        py.applyAsDouble(y) + 4,
                        y));
            }
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < r.sweepX().length; i++) {
                double x = px.applyAsDouble(r.sweepX()[i]);
                double y = py.applyAsDouble(r.sweepS()[i]);
                path.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                sb.append(String.format(
                        Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#36c\"/>%n", x, y));
                sb.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                        x,
                        h - padB + 14,
                        (int) r.sweepX()[i]));
            }
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#36c\"/>\n");
            int best = 0;
            for (int i = 1; i < r.sweepS().length; i++) {
                if (r.sweepS()[i] < r.sweepS()[best]) {
                    best = i;
                }
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"#090\" stroke-width=\"2\"/>%n",
                    px.applyAsDouble(r.sweepX()[best]),
                    py.applyAsDouble(r.sweepS()[best])));
            sb.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#888\"/>%n",
                    px.applyAsDouble(r.givenX()) - 4,
                    py.applyAsDouble(r.givenS()) - 4));
            if (Double.isFinite(r.pickX())) {
                double x = px.applyAsDouble(r.pickX());
                double y = py.applyAsDouble(r.warmS());
                sb.append(String.format(
                        Locale.ROOT,
                        "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"#c33\"/>%n",
                        x,
                        y - 6,
                        x - 5,
                        y + 4,
                        x + 5,
                        y + 4));
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">partitions (log scale)</text>%n",
                    ox + w / 2 + 15,
                    h - 5));
        }
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"%d\">blue: makespan of the sweep; grey square:"
                        + " partitioning as given; green ring: oracle; red triangle: Amorsize's pick (warm run)</text>%n",
                h + 20));
        sb.append("</svg>\n");
        return sb.toString();
    }

    static void writeSection(Path docs, String section) throws IOException {
        Path file = docs.resolve("BENCHMARKS.md");
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        int start = text.indexOf("\n## Spark\n");
        if (start >= 0) {
            int end = text.indexOf("\n## ", start + 1);
            text = text.substring(0, start) + (end >= 0 ? text.substring(end) : "\n");
        }
        if (!text.endsWith("\n")) {
            text += "\n";
        }
        Files.writeString(file, text + "\n" + section);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " / " + f[1];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("feedback")) {
            FeedbackBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("cores")) {
            SparkCoresBenchmark.run(3);
            return;
        }
        Path out = Path.of("docs");
        int reps = 3;
        boolean datasets = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--datasets" -> datasets = true; // only the Dataset forms of (a) and (c): SparkDatasetBenchmark
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i] + " (use --out DIR --reps N [--datasets])");
            }
        }
        if (datasets) {
            SparkDatasetBenchmark.run(out, reps, iterationsPerMilli(), loadAverage());
            return;
        }
        Path cacheDir = Files.createTempDirectory("amorsize-bench");
        SparkConf conf = new SparkConf()
                .setMaster("local[" + SLOTS + "]")
                .setAppName("amorsize-spark-benchmark")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.amorsize.cache.dir", cacheDir.toString())
                .set(
                        "spark.amorsize.cache.prefix",
                        "bench-" + ProcessHandle.current().pid() + ":");
        String redis = System.getenv("AMORSIZE_REDIS_URL");
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        List<Row> rows = new ArrayList<>();
        SparkBenchmark b0;
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            SparkBenchmark b = new SparkBenchmark(jsc, reps);
            b0 = b;
            jsc.parallelize(range(1000), 2).map(x -> x + 1).count(); // start-up
            for (RecordWorkload<?> w : b.recordWorkloads()) {
                rows.add(b.run(w));
            }
            rows.add(3, b.run(b.batchWorkload()));
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String loadAfter = loadAverage();
        String tbl = table(rows);
        System.out.println(tbl);
        List<Row> ad = rows.stream().filter(r -> "abcd".contains(r.id())).toList();
        double geo = Math.exp(
                ad.stream().mapToDouble(r -> Math.log(r.speedup())).average().orElse(0));
        Row e = rows.stream().filter(r -> r.id().equals("e")).findFirst().orElseThrow();
        StringBuilder section = new StringBuilder();
        section.append("## Spark\n\n");
        section.append(String.format(
                Locale.ROOT,
                "Real Spark 4.1.1, `local[%d]`, on a 2-core machine shared with other"
                        + " builds (load average %s at the start, %s at the end: timings are noisy); median of %d runs each"
                        + " (sweep points: %d); whole run %.1f min. Cache: local file%s.%n%n",
                SLOTS,
                loadBefore,
                loadAfter,
                reps,
                Math.max(1, Math.min(2, reps)),
                minutes,
                redis == null ? "" : " + Redis"));
        section.append(String.format(
                Locale.ROOT,
                "CPU work is a fixed number of arithmetic steps, %,d per"
                        + " millisecond on one idle core here (calibrated at start), not a spin until a deadline, so that"
                        + " configurations compare fairly when the CPU is shared.%n%n",
                b0.oneMs));
        section.append(
                "Regenerate (writes this section and docs/spark-makespan.svg):\n\n"
                        + "```\nmvn -B -q -pl examples/spark-examples -am package exec:exec -DskipTests -Dexec.executable=java\n```\n\n");
        section.append("- *given*: the input's own partitioning (for (d): per-record calls, batch size 1).\n"
                + "- *cold*: a function Amorsize has never seen, the cluster's overhead forgotten"
                + " (`forgetCalibration()`): the one sampling job (which also times the function in its tasks and"
                + " shows the per-task overhead) and the job (tuning time in parentheses: the largest of the runs; the"
                + " input's own split computation, which every job on it pays, counts in the total, not in the tuning).\n"
                + "- *jobs per miss*: Spark jobs Amorsize ran for one cold decision (the most of the runs).\n"
                + "- *tuning / given*: the cold tuning time as a share of the given job's time.\n"
                + "- *warm*: the same function again: cache hit, no Spark job before the user's job.\n"
                + "- *warm call p50*: median wall time of `repartitionOptimal` (resp. `mapBatches`) on a hit, 21 calls.\n"
                + "- *oracle*: best of the sweep (partition counts with coalesce below / repartition above the given count;"
                + " for (d) batch sizes).\n"
                + "- *ideal W/C*: nominal total work ÷ 2 slots (no overhead).\n\n");
        section.append(tbl).append('\n');
        section.append(targets(rows));
        double geoWarm = Math.exp(ad.stream()
                .mapToDouble(r -> Math.log(r.givenS() / r.warmS()))
                .average()
                .orElse(0));
        section.append(String.format(
                Locale.ROOT,
                "Geometric-mean speedup over given on (a)-(d): cold **%.2fx**, warm"
                        + " **%.2fx** (target >= 1.5x). (e) vs given: cold %+.1f %%, warm %+.1f %% (target: at most +5 %%).%n%n",
                geo,
                geoWarm,
                (e.coldS() / e.givenS() - 1) * 100,
                (e.warmS() / e.givenS() - 1) * 100));
        section.append("![makespan vs partition count](spark-makespan.svg)\n");
        Files.createDirectories(out);
        writeSection(out, section.toString());
        Files.writeString(
                out.resolve("spark-makespan.svg"),
                svg(rows.stream().filter(r -> "abc".contains(r.id())).toList()));
        System.out.println(section);
    }
}
