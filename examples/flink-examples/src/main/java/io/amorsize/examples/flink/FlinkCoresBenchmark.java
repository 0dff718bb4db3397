package io.amorsize.examples.flink;

import io.amorsize.Recommendation;
import io.amorsize.flink.AmorsizeFlink;
import io.amorsize.flink.AmorsizeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Cores vs slots (issue 14) on Flink's local environment: one task manager with 4 slots on this
 * machine's cores, {@code parallelism.default: 1} as Flink ships it, BATCH mode. For a CPU-bound, an
 * I/O-bound and a cheap function: the job at the default parallelism, Amorsize's cold pick (tuning
 * time shown and added), and a sweep of p = 1…4.
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:exec -pl examples/flink-examples -am
 * -Dexec.executable=java -Dflink.bench.args=cores}
 */
public final class FlinkCoresBenchmark {

    static final int SLOTS = 4;

    private final Path cacheDir;

    private FlinkCoresBenchmark(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /**
     * A fixed amount of CPU work per record (a dependent multiply-xorshift chain): unlike a spin until
     * a deadline, four of them on two cores take twice as long, which is the effect measured here.
     */
    static final class Work implements MapFunction<Long, Long> {
        private final long iterations;

        Work(long iterations) {
            this.iterations = iterations;
        }

        @Override
        public Long map(Long v) {
            long h = v;
            for (long i = 0; i < iterations; i++) {
                h = h * 6364136223846793005L + 1442695040888963407L;
                h ^= h >>> 29;
            }
            return h;
        }
    }

    /** I/O-bound: waits {@code millis} per record, as a remote call would. */
    static final class Wait implements MapFunction<Long, Long> {
        private final long millis;

        Wait(long millis) {
            this.millis = millis;
        }

        @Override
        public Long map(Long v) throws InterruptedException {
            Thread.sleep(millis);
            return v + 1;
        }
    }

    /** Iterations of {@link Work} per millisecond of one idle core (the fastest of 15 after JIT warm-up). */
    static long iterationsPerMilli() {
        Work w = new Work(2_000_000);
        long sink = 0;
        for (int i = 0; i < 100; i++) {
            sink += new Work(200_000).map((long) i);
        }
        double[] ms = new double[15];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            sink += w.map((long) i);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        long perMs = Math.round(2_000_000 / ms[0]);
        return sink == 42 ? perMs + 1 : perMs;
    }

    /** A local environment of one task manager with {@value #SLOTS} slots and the given parallelism. */
    private StreamExecutionEnvironment env(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, 1);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, SLOTS);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(AmorsizeOptions.CACHE_DIR, cacheDir.toString());
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** Net runtime (s) of source(p=1) → rebalance → map(fn) at parallelism p → discard. */
    double run(MapFunction<Long, Long> fn, long records, int p) throws Exception {
        StreamExecutionEnvironment env = env(1);
        var mapped = env.fromSequence(1, records)
                .setParallelism(1)
                .rebalance()
                .map(fn)
                .name("work")
                .setParallelism(p);
        mapped.sinkTo(new DiscardingSink<>()).setParallelism(p);
        return env.execute("cores p=" + p).getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
    }

    /** Median of {@code n} runs. */
    double median(int n, MapFunction<Long, Long> fn, long records, int p) throws Exception {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = run(fn, records, p);
        }
        Arrays.sort(v);
        return v[n / 2];
    }

    record Row(
            String title,
            int current,
            double currentS,
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

    Row workload(String title, MapFunction<Long, Long> fn, long records, int current, int reps, String limit)
            throws Exception {
        System.err.println("== " + title);
        run(fn, Math.max(1, records / 10), SLOTS); // JIT and class loading, not timed
        Map<Integer, Double> sweep = new LinkedHashMap<>();
        int bestP = 0;
        double bestS = Double.MAX_VALUE;
        for (int p = 1; p <= SLOTS; p++) {
            double s = median(reps, fn, records, p);
            sweep.put(p, s);
            System.err.printf(Locale.ROOT, "   p=%d: %.3f s%n", p, s);
            if (s < bestS) {
                bestS = s;
                bestP = p;
            }
        }
        // a sample spread over the input, as a caller would take it
        List<Long> sample = new ArrayList<>();
        long step = Math.max(1, records / 500);
        for (long v = 1; v <= records && sample.size() < 500; v += step) {
            sample.add(v);
        }
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeFlink.tune(env(current), sample, fn, records);
        double tune = (System.nanoTime() - t0) / 1e9;
        System.err.println("   cold " + rec + "\n" + rec.explain());
        // The job at the pick is one of the sweep's jobs: its time comes from the same runs as the best,
        // so the ratio compares like with like (a separate run of the same job differed by 10-18 % here).
        double pick = sweep.get(rec.parallelism());
        return new Row(title, current, sweep.get(current), rec, tune, pick, sweep, bestP, bestS, limit);
    }

    /**
     * The same function and input as {@code base}, tuned cold (a fresh cache) from another current
     * parallelism; the job times come from {@code base}'s sweep, which ran exactly these jobs.
     */
    Row retune(Row base, String title, MapFunction<Long, Long> fn, long records, int current) throws Exception {
        System.err.println("== " + title);
        FlinkCoresBenchmark fresh = new FlinkCoresBenchmark(Files.createTempDirectory("amorsize-flink-cores"));
        List<Long> sample = new ArrayList<>();
        long step = Math.max(1, records / 500);
        for (long v = 1; v <= records && sample.size() < 500; v += step) {
            sample.add(v);
        }
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeFlink.tune(fresh.env(current), sample, fn, records);
        double tune = (System.nanoTime() - t0) / 1e9;
        System.err.println("   cold " + rec + "\n" + rec.explain());
        return new Row(
                title,
                current,
                base.sweep().get(current),
                rec,
                tune,
                base.sweep().get(rec.parallelism()),
                base.sweep(),
                base.bestP(),
                base.bestS(),
                "-");
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        String loadBefore = FlinkBenchmark.loadAverage();
        long oneMs = iterationsPerMilli();
        FlinkCoresBenchmark b = new FlinkCoresBenchmark(Files.createTempDirectory("amorsize-flink-cores"));
        List<Row> rows = new ArrayList<>();
        Row cpu = b.workload(
                "CPU-bound: 8,000 records x 1 ms of fixed CPU work", new Work(oneMs), 8_000, 1, 3, "2x (2 cores)");
        rows.add(cpu);
        rows.add(b.retune(
                cpu, "the same CPU-bound job, current parallelism 4 (sweep above)", new Work(oneMs), 8_000, 4));
        rows.add(b.workload("I/O-bound: 2,000 records x 2 ms sleep", new Wait(2), 2_000, 1, 3, "4x (4 slots)"));
        rows.add(b.workload(
                "cheap, small input: 1,000 records x ~10 ns, current parallelism 4",
                new Work(Math.max(1, oneMs / 100_000)),
                1_000,
                4,
                5,
                "-"));
        System.out.println(
                report(rows, oneMs, (System.nanoTime() - started) / 1e9, loadBefore, FlinkBenchmark.loadAverage()));
    }

    static String report(List<Row> rows, long oneMs, double seconds, String loadBefore, String loadAfter) {
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Flink %s local environment: 1 task manager x %d slots on %d CPU cores, BATCH mode,"
                        + " `parallelism.default: 1` (the CPU-bound and I/O-bound rows), a source of parallelism 1 and"
                        + " `rebalance()` before the work. Net job runtimes, median of 3 (5 for the cheap row); the job at the pick is"
                        + " the sweep's run at that parallelism, and *cold tune* is the wall time of the first"
                        + " `AmorsizeFlink.tune` call for the function. CPU work = %,d arithmetic steps per ms of"
                        + " one idle core. Whole run %.0f s; load average (1/5/15 min) before %s, after %s.%n%n",
                org.apache.flink.runtime.util.EnvironmentInformation.getVersion(),
                SLOTS,
                cores,
                oneMs,
                seconds,
                loadBefore,
                loadAfter));
        sb.append("| workload | current | Amorsize pick | cold tune | tune + job | best of p=1..4 sweep"
                + " | (tune + job) / best | gain over current | cores' limit |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | p=%d: %.2f s | p=%d (%s): %.2f s | %.2f s | %.2f s | p=%d: %.2f s | %.2fx | %.2fx | %s |%n",
                    r.title(),
                    r.current(),
                    r.currentS(),
                    r.rec().parallelism(),
                    r.rec().action().name().toLowerCase(Locale.ROOT),
                    r.pickS(),
                    r.tuneS(),
                    r.coldTotal(),
                    r.bestP(),
                    r.bestS(),
                    r.coldTotal() / r.bestS(),
                    r.currentS() / r.coldTotal(),
                    r.limit()));
        }
        sb.append("\nSweeps (net runtime, s):\n\n");
        for (Row r : rows) {
            List<String> parts = new ArrayList<>();
            r.sweep().forEach((p, s) -> parts.add(String.format(Locale.ROOT, "p=%d %.2f", p, s)));
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
                    .filter(l -> l.contains("cores") || l.contains("fewer tasks") || l.contains("measured"))
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
