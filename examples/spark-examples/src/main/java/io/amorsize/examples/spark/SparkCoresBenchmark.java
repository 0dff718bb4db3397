package io.amorsize.examples.spark;

import io.amorsize.Recommendation;
import io.amorsize.spark.AmorsizeSpark;
import io.amorsize.spark.SparkTuneOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Cores vs slots (issue 14) on Spark: {@code local[4]} on this machine's cores (2 here). For a
 * CPU-bound, an I/O-bound and a cheap function: the job as given, Amorsize's cold pick (tuning time
 * shown and added), the job at the pick, and a sweep of partition counts.
 *
 * <p>Run: {@code mvn -B -q -pl examples/spark-examples -am package exec:exec -DskipTests
 * -Dexec.executable=java -Dbenchmark.args=cores}
 */
final class SparkCoresBenchmark {

    static final int SLOTS = 4;

    private final JavaSparkContext jsc;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    private SparkCoresBenchmark(JavaSparkContext jsc) {
        this.jsc = jsc;
    }

    record Row(
            String title,
            int given,
            double givenS,
            Recommendation rec,
            double tuneS,
            double pickS,
            Map<Integer, Double> sweep,
            int bestP,
            double bestS,
            String limit) {
        double coldTotal() {
            return tuneS + pickS;
        }
    }

    private static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(int n, Supplier<Double> run) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = run.get();
        }
        Arrays.sort(v);
        return v[n / 2];
    }

    private static <T> JavaRDD<T> shaped(JavaRDD<T> rdd, int p) {
        int p0 = rdd.getNumPartitions();
        return p == p0 ? rdd : p < p0 ? rdd.coalesce(p, false) : rdd.repartition(p);
    }

    <T> Row workload(
            String id,
            String title,
            Supplier<JavaRDD<T>> input,
            Function<T, Integer> fn,
            int[] sweepAt,
            int reps,
            String limit) {
        System.err.printf(Locale.ROOT, "%n== %s%n", title);
        int given = input.get().getNumPartitions();
        shaped(input.get(), SLOTS).map(fn).count(); // JIT, not timed
        Map<Integer, Double> sweep = new LinkedHashMap<>();
        int bestP = given;
        double bestS = Double.MAX_VALUE;
        for (int p : sweepAt) {
            double s = median(
                    reps, () -> seconds(() -> shaped(input.get(), p).map(fn).count()));
            sweep.put(p, s);
            System.err.printf(Locale.ROOT, "   %d partitions: %.3f s%n", p, s);
            if (s < bestS) {
                bestS = s;
                bestP = p;
            }
        }
        SparkTuneOptions fresh =
                SparkTuneOptions.builder().function("cores-" + id, runId).build();
        JavaRDD<T> in = input.get();
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeSpark.recommend(in, fn, fresh);
        double tune = (System.nanoTime() - t0) / 1e9;
        System.err.println("   cold " + rec + "\n" + rec.explain());
        // The job at the pick is one of the sweep's jobs when the sweep has that count: its time then comes
        // from the same runs as the best, so the ratio compares like with like.
        Double swept = sweep.get(rec.partitions());
        double pick = swept != null
                ? swept
                : median(
                        reps,
                        () -> seconds(() ->
                                AmorsizeSpark.apply(input.get(), rec).map(fn).count()));
        return new Row(title, given, sweep.get(given), rec, tune, pick, sweep, bestP, bestS, limit);
    }

    static void run(int reps) throws Exception {
        long started = System.nanoTime();
        String loadBefore = load();
        Path cacheDir = Files.createTempDirectory("amorsize-spark-cores");
        SparkConf conf = new SparkConf()
                .setMaster("local[" + SLOTS + "]")
                .setAppName("amorsize-spark-cores-benchmark")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.amorsize.cache.dir", cacheDir.toString())
                .set(
                        "spark.amorsize.cache.prefix",
                        "cores-" + ProcessHandle.current().pid() + ":");
        long oneMs = SparkBenchmark.iterationsPerMilli();
        List<Row> rows = new ArrayList<>();
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            SparkCoresBenchmark b = new SparkCoresBenchmark(jsc);
            // start-up, and a first job whose tasks show the per-task overhead to Amorsize's listener
            jsc.parallelize(range(1000), SLOTS).map(x -> x + 1).count();
            jsc.parallelize(range(1000), 16).map(x -> x + 1).count();
            List<Integer> cpu = range(8000);
            rows.add(b.workload(
                    "cpu",
                    "CPU-bound: 8,000 records x 1 ms of fixed CPU work, 1 partition",
                    () -> jsc.parallelize(cpu, 1),
                    x -> (int) SparkBenchmark.work(x, oneMs),
                    new int[] {1, 2, 3, 4, 8},
                    reps,
                    "2x (2 cores)"));
            List<Integer> io = range(2000);
            rows.add(b.workload(
                    "io",
                    "I/O-bound: 2,000 records x 2 ms sleep, 1 partition",
                    () -> jsc.parallelize(io, 1),
                    x -> {
                        Thread.sleep(2);
                        return x + 1;
                    },
                    new int[] {1, 2, 3, 4, 8},
                    reps,
                    "4x (4 slots)"));
            List<Integer> cheap = range(64_000);
            rows.add(b.workload(
                    "cheap",
                    "cheap, small input: 64,000 records x ~10 ns in 64 partitions",
                    () -> jsc.parallelize(cheap, 64),
                    x -> (x * 0x9E3779B1) ^ (x >>> 7),
                    new int[] {1, 2, 4, 16, 64},
                    Math.max(reps, 5),
                    "-"));
        }
        System.out.println(report(rows, oneMs, (System.nanoTime() - started) / 1e9, loadBefore, load()));
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    static String report(List<Row> rows, long oneMs, double seconds, String loadBefore, String loadAfter) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Spark %s, `local[%d]` on %d CPU cores. Wall time of `count()` after the map, median of 3 (5 for the cheap row); the job at"
                        + " the pick is the sweep's run at that count, and *cold tune* is the wall time of the first"
                        + " `AmorsizeSpark.recommend` call for the function (one sampling job). CPU work = %,d"
                        + " arithmetic steps per ms of one idle core. Whole run %.0f s; load average (1/5/15 min)"
                        + " before %s, after %s.%n%n",
                org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                SLOTS,
                Runtime.getRuntime().availableProcessors(),
                oneMs,
                seconds,
                loadBefore,
                loadAfter));
        sb.append("| workload | given | Amorsize pick | cold tune | tune + job | best of sweep"
                + " | (tune + job) / best | gain over given | cores' limit |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d: %.2f s | %d (%s): %.2f s | %.3f s | %.2f s | %d: %.2f s | %.2fx | %.2fx | %s |%n",
                    r.title(),
                    r.given(),
                    r.givenS(),
                    r.rec().partitions(),
                    r.rec().action().name().toLowerCase(Locale.ROOT),
                    r.pickS(),
                    r.tuneS(),
                    r.coldTotal(),
                    r.bestP(),
                    r.bestS(),
                    r.coldTotal() / r.bestS(),
                    r.givenS() / r.coldTotal(),
                    r.limit()));
        }
        sb.append("\nSweeps (partitions: wall time, s):\n\n");
        for (Row r : rows) {
            List<String> parts = new ArrayList<>();
            r.sweep().forEach((p, s) -> parts.add(String.format(Locale.ROOT, "%d: %.2f", p, s)));
            sb.append("- ")
                    .append(r.title())
                    .append(": ")
                    .append(String.join(", ", parts))
                    .append('\n');
        }
        sb.append("\nWhat Amorsize said (capacity and rule lines of `explain()`):\n\n");
        for (Row r : rows) {
            List<String> lines = r.rec()
                    .explain()
                    .lines()
                    .filter(l -> l.contains("cores") || l.contains("fewer tasks"))
                    .map(String::strip)
                    .toList();
            sb.append("- ")
                    .append(r.title())
                    .append(": `")
                    .append(String.join("`; `", lines))
                    .append("`\n");
        }
        return sb.toString();
    }
}
