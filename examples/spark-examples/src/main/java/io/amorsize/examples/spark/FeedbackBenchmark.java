package io.amorsize.examples.spark;

import io.amorsize.Recommendation;
import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RedisStore;
import io.amorsize.model.Observation;
import io.amorsize.spark.AmorsizeSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * The feedback benchmark: workloads whose cold pick is wrong for a reason the sample cannot see, each
 * run 5 times against one Redis (the pick, the job time and the prediction error per run) next to
 * the oracle of a sweep. Writes the "Feedback" section of docs/BENCHMARKS.md.
 *
 * <p>Run: {@code mvn -B -q -pl examples/spark-examples -am package exec:exec -DskipTests -Dexec.executable=java -Dbenchmark.args=feedback}
 * (Redis at {@code AMORSIZE_REDIS_URL}, default redis://127.0.0.1:6379; keys under a fresh prefix, cleared at the end).
 */
final class FeedbackBenchmark {

    static final int SLOTS = 2;
    static final int RUNS = 5;
    private static long perMs;

    private record Workload(
            String name,
            JavaRDD<Integer> input,
            Function<Integer, Integer> fn,
            Function<List<Integer>, List<Integer>> batchFn,
            int[] sweep) {}

    private record Result(
            String name,
            List<String> picks,
            List<Double> seconds,
            List<Double> errors,
            String oracle,
            double oracleSeconds) {}

    private FeedbackBenchmark() {}

    /** Microseconds of CPU work for record {@code x}. */
    interface Cost extends java.io.Serializable {
        long micros(int x);
    }

    static Function<Integer, Integer> cpu(long salt, Cost cost) {
        long ipm = perMs;
        return x -> (int) (SparkBenchmark.work(x + salt, cost.micros(x) * ipm / 1000) & 1) + x;
    }

    public static void main(String[] args) throws Exception {
        // exec:exec runs in the module directory: write the repository's docs
        Path out = Files.exists(Path.of("docs", "BENCHMARKS.md"))
                ? Path.of("docs", "BENCHMARKS.md")
                : Path.of("..", "..", "docs", "BENCHMARKS.md");
        perMs = SparkBenchmark.iterationsPerMilli();
        String url = System.getenv().getOrDefault("AMORSIZE_REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "bench-feedback-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":";
        String load0 = load();
        long t0 = System.nanoTime();
        SparkConf conf = new SparkConf()
                .setMaster("local[" + SLOTS + "]")
                .setAppName("amorsize-feedback-benchmark")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.showConsoleProgress", "false")
                .set(
                        "spark.amorsize.cache.dir",
                        Files.createTempDirectory("amorsize-fb").toString())
                .set("spark.amorsize.cache.prefix", prefix)
                .set("spark.amorsize.redis.url", url)
                .set("spark.amorsize.redis.deadline", "5s")
                .set("spark.amorsize.redis.socket-timeout", "4s");
        List<Result> results = new ArrayList<>();
        long salt = System.nanoTime();
        try (JavaSparkContext jsc = new JavaSparkContext(conf);
                RedisStore store = new RedisStore(CacheConfig.builder()
                        .redisUrl(url)
                        .keyPrefix(prefix)
                        .ttl(Duration.ofHours(1))
                        .deadline(Duration.ofSeconds(5))
                        .build())) {
            jsc.parallelize(range(1000), 2).map(x -> x + 1).count();
            List<Workload> ws = List.of(
                    // (1) the first 100 records of each partition cost 20 µs, the other 1,900 600 µs (30x)
                    new Workload(
                            "(1) cost grows along each partition: 4,000 records in 2 partitions, first 100 of each 20 µs, rest 600 µs",
                            jsc.parallelize(range(4000), 2),
                            cpu(salt + 1, x -> x % 2000 < 100 ? 20 : 600),
                            null,
                            new int[] {1, 2, 4, 8, 16}),
                    // (2) one hot input partition out of 32: 200 records at 5 ms, the rest 10 µs
                    new Workload(
                            "(2) one hot partition of 32: 6,400 records, the last partition's 200 at 5 ms, the rest 10 µs",
                            jsc.parallelize(range(6400), 32),
                            cpu(salt + 2, x -> x >= 6200 ? 5000 : 10),
                            null,
                            new int[] {1, 2, 4, 8, 16, 32, 64}),
                    // (3) a map over a parallelized collection (count unknown) feeding mapBatches: 3 ms per call
                    new Workload(
                            "(3) map over a parallelized collection into mapBatches: 100,000 records, 3 ms per call + 1 µs/record",
                            jsc.parallelize(range(100_000), 2).map(x -> x + 1),
                            null,
                            batched(salt + 3),
                            new int[] {1000, 5000, 20000, 50000}),
                    // (b) the existing cheap workload
                    new Workload(
                            "(b) cheap function, 1,000,000 records in 4,000 partitions",
                            jsc.parallelize(range(1_000_000), 4000),
                            cpu(salt + 4, x -> 0),
                            null,
                            new int[] {2, 4, 8, 16, 32, 4000}));
            for (Workload w : ws) {
                results.add(run(jsc, store, w));
                System.err.println("feedback benchmark: " + w.name() + " done");
            }
            store.clear("*");
        }
        String section = render(results, load0, load(), (System.nanoTime() - t0) / 60e9);
        System.out.println(section);
        if (Files.exists(out)) {
            String doc = Files.readString(out, StandardCharsets.UTF_8);
            int i = doc.indexOf("\n## Feedback\n");
            if (i >= 0) {
                int j = doc.indexOf("\n## ", i + 5);
                doc = doc.substring(0, i + 1) + section + (j < 0 ? "" : doc.substring(j));
            } else {
                doc = doc.stripTrailing() + "\n\n" + section;
            }
            Files.writeString(out, doc, StandardCharsets.UTF_8);
        }
    }

    static Function<List<Integer>, List<Integer>> batched(long salt) {
        long ipm = perMs;
        return batch -> {
            SparkBenchmark.work(salt, 3 * ipm + batch.size() * ipm / 1000);
            return batch;
        };
    }

    private static Result run(JavaSparkContext jsc, RecommendationStore store, Workload w) throws Exception {
        List<String> picks = new ArrayList<>();
        List<Double> secs = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            Recommendation rec = w.batchFn() != null
                    ? AmorsizeSpark.recommendBatches(w.input(), w.batchFn())
                    : AmorsizeSpark.recommend(w.input(), w.fn());
            long t = System.nanoTime();
            if (w.batchFn() != null) {
                AmorsizeSpark.mapBatches(w.input(), w.batchFn(), rec).count();
            } else {
                AmorsizeSpark.apply(w.input(), rec).map(w.fn()).count();
            }
            secs.add((System.nanoTime() - t) / 1e9);
            jsc.sc().listenerBus().waitUntilEmpty(30_000);
            picks.add(rec.action().name().toLowerCase(Locale.ROOT) + " " + rec.partitions()
                    + (w.batchFn() != null ? " b" + rec.batchSize() : ""));
            errors.add(lastError(store));
        }
        String oracle = "";
        double best = Double.MAX_VALUE;
        int p0 = w.input().getNumPartitions();
        for (int s : w.sweep()) {
            long t = System.nanoTime();
            String label;
            if (w.batchFn() != null) {
                int b = s;
                Function<List<Integer>, List<Integer>> fn = w.batchFn();
                w.input()
                        .mapPartitions(it -> {
                            List<Integer> buf = new ArrayList<>();
                            long n = 0;
                            while (it.hasNext()) {
                                buf.add(it.next());
                                if (buf.size() == b) {
                                    n += fn.call(buf).size();
                                    buf = new ArrayList<>();
                                }
                            }
                            if (!buf.isEmpty()) {
                                n += fn.call(buf).size();
                            }
                            return List.of(n).iterator();
                        })
                        .count();
                label = "batch " + s;
            } else {
                JavaRDD<Integer> in = s == p0
                        ? w.input()
                        : s < p0 ? w.input().coalesce(s) : w.input().repartition(s);
                in.map(w.fn()).count();
                label = (s == p0 ? "keep " : s < p0 ? "coalesce " : "repartition ") + s;
            }
            double sec = (System.nanoTime() - t) / 1e9;
            if (sec < best) {
                best = sec;
                oracle = label;
            }
        }
        return new Result(w.name(), picks, secs, errors, oracle, best);
    }

    /** The last stored observation's prediction error (|observed − predicted| ÷ observed), NaN when none. */
    private static double lastError(RecommendationStore store) {
        List<String> keys = store.scan("*");
        double err = Double.NaN;
        long at = -1;
        for (String k : keys) {
            try {
                CacheEntry e = store.get(store.keyOf(k)).map(h -> h.entry()).orElse(null);
                if (e != null && !e.history().isEmpty()) {
                    Observation o = e.history().get(e.history().size() - 1);
                    if (o.atMillis() > at) {
                        at = o.atMillis();
                        err = Math.abs(o.observedNanos() - o.predictedNanos()) / o.observedNanos();
                    }
                }
            } catch (RuntimeException ignored) {
                // a lock key or another kind of key
            }
        }
        return err;
    }

    private static String render(List<Result> rs, String load0, String load1, double minutes) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Feedback\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "Real Spark 4.1.1, `local[%d]`, one Redis, %d runs per workload of the same job "
                        + "(run 1 cold, runs 2-%d corrected by the observations of the earlier runs); oracle = best of a sweep, one run each. "
                        + "Load average %s at the start, %s at the end; whole run %.1f min.\n\n",
                SLOTS,
                RUNS,
                RUNS,
                load0,
                load1,
                minutes));
        sb.append("Regenerate:\n\n```\nmvn -B -q -pl examples/spark-examples -am package exec:exec -DskipTests "
                + "-Dexec.executable=java -Dbenchmark.args=feedback\n```\n\n");
        sb.append(
                "Prediction error = |observed stage time − predicted makespan| ÷ observed, of the run's own observation.\n\n");
        sb.append("| workload | run | pick | job time | prediction error | oracle (best of sweep) | vs oracle |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Result r : rs) {
            for (int i = 0; i < r.picks().size(); i++) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %s | %.2f s | %s | %s | %.2fx |\n",
                        i == 0 ? r.name() : "",
                        i + 1,
                        r.picks().get(i),
                        r.seconds().get(i),
                        Double.isNaN(r.errors().get(i))
                                ? "-"
                                : String.format(
                                        Locale.ROOT, "%.0f %%", r.errors().get(i) * 100),
                        i == 0 ? r.oracle() + String.format(Locale.ROOT, " %.2f s", r.oracleSeconds()) : "",
                        r.seconds().get(i) / r.oracleSeconds()));
            }
        }
        return sb.toString();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " / " + f[1];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }
}
