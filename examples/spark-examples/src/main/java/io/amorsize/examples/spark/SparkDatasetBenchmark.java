package io.amorsize.examples.spark;

import io.amorsize.Recommendation;
import io.amorsize.spark.AmorsizeSpark;
import io.amorsize.spark.SparkTuneOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.ReduceFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * The Dataset forms of the Spark benchmark's workloads (a) and (c) ({@code SparkBenchmark --datasets}):
 * the same functions over {@code spark.range} Datasets, tuned with {@code AmorsizeSpark.recommend(Dataset,
 * MapFunction)} and applied with {@code Dataset.repartition/coalesce}. Writes the "## Spark Datasets"
 * section of {@code docs/BENCHMARKS.md}.
 */
final class SparkDatasetBenchmark {

    private static final int SLOTS = 2;

    private final SparkSession spark;
    private final int reps;
    private final long oneMs;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private int coldSeq;

    private SparkDatasetBenchmark(SparkSession spark, int reps, long oneMs) {
        this.spark = spark;
        this.reps = reps;
        this.oneMs = oneMs;
    }

    /** A Dataset workload: input, function, nominal total work ÷ slots, sweep of partition counts. */
    record DatasetWorkload(
            String id,
            String title,
            Supplier<Dataset<Long>> input,
            MapFunction<Long, Long> fn,
            double idealSeconds,
            int[] sweep) {}

    /** One row of the table. */
    record Result(
            String id,
            String title,
            int given,
            double givenS,
            double coldS,
            double coldTuningS,
            double warmS,
            double warmCallMs,
            double oracleS,
            int oracleP,
            double idealS,
            String pick) {}

    private List<DatasetWorkload> workloads() {
        long one = oneMs; // a local: the closures must not capture the benchmark object
        List<DatasetWorkload> w = new ArrayList<>();
        w.add(new DatasetWorkload(
                "a-ds",
                "(a) as a Dataset: spark.range(8,000) in 1 partition, 1 ms/row",
                () -> spark.range(0, 8000, 1, 1).as(Encoders.LONG()),
                x -> SparkBenchmark.work(x, one),
                8000 * 1e-3 / SLOTS,
                new int[] {1, 2, 4, 16}));
        // RangeExec splits evenly: partition 0 = rows 0..5999, all expensive
        w.add(new DatasetWorkload(
                "c-ds",
                "(c) as a Dataset: spark.range(12,000) in 2 partitions, the 1 ms rows all in" + " partition 0",
                () -> spark.range(0, 12_000, 1, 2).as(Encoders.LONG()),
                x -> SparkBenchmark.work(x, x < 6000 ? one : one / 1000),
                (6000 * 1e-3 + 6000 * 1e-6) / SLOTS,
                new int[] {2, 4, 8, 16}));
        return w;
    }

    private static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private double median(Supplier<Double> run) {
        double[] v = new double[reps];
        for (int i = 0; i < reps; i++) {
            v[i] = run.get();
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Applies the function to every row (a reduce, so no row can be pruned). */
    private static long runJob(Dataset<Long> ds, MapFunction<Long, Long> fn) {
        return ds.map(fn, Encoders.LONG()).reduce((ReduceFunction<Long>) Long::sum);
    }

    private static Dataset<Long> shaped(Dataset<Long> ds, int p0, int p) {
        return p == p0 ? ds : p < p0 ? ds.coalesce(p) : ds.repartition(p);
    }

    private Result run(DatasetWorkload w) {
        System.err.printf(Locale.ROOT, "%n== (%s) %s%n", w.id(), w.title());
        int p0 = w.input().get().rdd().getNumPartitions();
        double given = median(() -> seconds(() -> runJob(w.input().get(), w.fn())));
        System.err.printf(Locale.ROOT, "given %d partitions: %.3f s%n", p0, given);
        double oracle = given;
        int oracleP = p0;
        for (int p : w.sweep()) {
            if (p == p0) {
                continue;
            }
            double s = median(() -> seconds(() -> runJob(shaped(w.input().get(), p0, p), w.fn())));
            System.err.printf(Locale.ROOT, "sweep %d partitions: %.3f s%n", p, s);
            if (s < oracle) {
                oracle = s;
                oracleP = p;
            }
        }
        double[] coldTuning = new double[1];
        Recommendation[] picked = new Recommendation[1];
        double cold = median(() -> {
            AmorsizeSpark.forgetCalibration();
            SparkTuneOptions fresh = SparkTuneOptions.builder()
                    .function("bench-" + w.id(), runId + "-" + (++coldSeq))
                    .build();
            long t0 = System.nanoTime();
            Dataset<Long> in = w.input().get();
            Recommendation rec = AmorsizeSpark.recommend(in, w.fn(), fresh);
            Dataset<Long> tuned = AmorsizeSpark.apply(in, rec);
            long t1 = System.nanoTime();
            runJob(tuned, w.fn());
            coldTuning[0] = Math.max(coldTuning[0], (t1 - t0) / 1e9);
            picked[0] = rec;
            return (System.nanoTime() - t0) / 1e9;
        });
        Recommendation rec = picked[0];
        System.err.printf(
                Locale.ROOT, "cold: %.3f s (tuning up to %.3f s) -> %s%n%s%n", cold, coldTuning[0], rec, rec.explain());
        SparkTuneOptions warmId = SparkTuneOptions.builder()
                .function("bench-" + w.id(), runId + "-" + coldSeq)
                .build();
        double warm = median(() ->
                seconds(() -> runJob(AmorsizeSpark.repartitionOptimal(w.input().get(), w.fn(), warmId), w.fn())));
        double[] calls = new double[11];
        for (int i = 0; i < calls.length; i++) {
            Dataset<Long> in = w.input().get();
            long t0 = System.nanoTime();
            AmorsizeSpark.repartitionOptimal(in, w.fn(), warmId);
            calls[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(calls);
        System.err.printf(Locale.ROOT, "warm: %.3f s, repartitionOptimal p50 %.2f ms%n", warm, calls[calls.length / 2]);
        String pick = rec.partitions() + " (" + rec.action().name().toLowerCase(Locale.ROOT) + ")";
        return new Result(
                w.id(),
                w.title(),
                p0,
                given,
                cold,
                coldTuning[0],
                warm,
                calls[calls.length / 2],
                oracle,
                oracleP,
                w.idealSeconds(),
                pick);
    }

    /** Runs (a-ds) and (c-ds) on {@code local[2]} and writes the "## Spark Datasets" section into {@code out}. */
    static void run(Path out, int reps, long oneMs, String loadAverage) throws IOException {
        Path cacheDir = Files.createTempDirectory("amorsize-bench-ds");
        long started = System.nanoTime();
        List<Result> rows = new ArrayList<>();
        SparkSession spark = SparkSession.builder()
                .master("local[" + SLOTS + "]")
                .appName("amorsize-dataset-benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.amorsize.cache.dir", cacheDir.toString())
                .config(
                        "spark.amorsize.cache.prefix",
                        "bench-ds-" + ProcessHandle.current().pid() + ":")
                .getOrCreate();
        try {
            SparkDatasetBenchmark b = new SparkDatasetBenchmark(spark, reps, oneMs);
            spark.range(0, 1000, 1, 2).count(); // start-up
            for (DatasetWorkload w : b.workloads()) {
                rows.add(b.run(w));
            }
        } finally {
            spark.stop();
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        StringBuilder sb = new StringBuilder("## Spark Datasets\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "The Dataset forms of (a) and (c): the same functions over `spark.range`"
                        + " Datasets (`AmorsizeSpark.recommend(Dataset, MapFunction)`, applied with `Dataset.repartition` /"
                        + " `coalesce`; the key's row count comes from the plan's `Range`, exact). Real Spark 4.1.1,"
                        + " `local[%d]`, AQE on (Spark's default), on a 2-core machine shared with other builds (load average"
                        + " %s at the start); median of %d run(s) each; whole run %.1f min.%n%n",
                SLOTS,
                loadAverage,
                reps,
                minutes));
        sb.append("```\nmvn -B -q -pl examples/spark-examples -am package exec:exec -DskipTests -Dexec.executable=java"
                + " -Dbenchmark.args=\"--datasets --reps 1 --out ../../docs\"\n```\n\n");
        sb.append(
                "| workload | given | Amorsize cold (tuning) | Amorsize warm | warm call p50 | oracle (best of sweep) |"
                        + " ideal W/C | Amorsize picked |\n|---|---|---|---|---|---|---|---|\n");
        for (Result r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| (%s) %s | %.2f s (%d partitions) | %.2f s (%.2f s) | %.2f s |"
                            + " %.2f ms | %.2f s (%d partitions) | %.2f s | %s |%n",
                    r.id(),
                    r.title(),
                    r.givenS(),
                    r.given(),
                    r.coldS(),
                    r.coldTuningS(),
                    r.warmS(),
                    r.warmCallMs(),
                    r.oracleS(),
                    r.oracleP(),
                    r.idealS(),
                    r.pick()));
        }
        String section = sb.toString();
        System.out.println(section);
        Path file = out.resolve("BENCHMARKS.md");
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        int start = text.indexOf("\n## Spark Datasets\n");
        if (start >= 0) {
            int end = text.indexOf("\n## ", start + 1);
            text = text.substring(0, start) + (end >= 0 ? text.substring(end) : "\n");
        }
        if (!text.endsWith("\n")) {
            text += "\n";
        }
        Files.createDirectories(out);
        Files.writeString(file, text + "\n" + section);
    }
}
