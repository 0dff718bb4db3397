package io.amorsize.examples.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amorsize.Action;
import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.flink.AmorsizeFlink;
import io.amorsize.flink.AmorsizeOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * BATCH-mode benchmark on a local Flink cluster of 2 task managers × 2 slots (one MiniCluster,
 * jobs submitted through its REST port): for three workloads, the job's runtime with Flink's default
 * parallelism (1, {@code parallelism.default}), with Amorsize's recommendation (cold: measured now;
 * warm: from the cache), with the best setting of a sweep (the oracle) and with the adaptive batch
 * scheduler choosing the parallelism itself (auto-parallelism, bytes per task).
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:exec -pl examples/flink-examples -am}
 * (add {@code -Dflink.bench.args=quick} for a smoke run with smaller inputs).
 */
public final class FlinkBenchmark {

    static final int TASK_MANAGERS = 2;
    static final int SLOTS_PER_TM = 2;
    static final int SLOTS = TASK_MANAGERS * SLOTS_PER_TM;
    static final int DEFAULT_PARALLELISM = 1;

    private final URI rest;
    private final java.nio.file.Path cacheDir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private FlinkBenchmark(URI rest, java.nio.file.Path cacheDir) {
        this.rest = rest;
        this.cacheDir = cacheDir;
    }

    // ------------------------------------------------------------------ workloads

    /** CPU-heavy: busy-spins {@code micros} per record. */
    static final class Spin implements MapFunction<Long, Long> {
        private final long micros;

        Spin(long micros) {
            this.micros = micros;
        }

        @Override
        public Long map(Long v) {
            long end = System.nanoTime() + micros * 1000;
            long x = v;
            while (System.nanoTime() < end) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            return x;
        }
    }

    /** Cheap: a few arithmetic operations per record. */
    static final class Cheap implements MapFunction<Long, Long> {
        @Override
        public Long map(Long v) {
            long x = v * 0x9E3779B97F4A7C15L;
            return x ^ (x >>> 29);
        }
    }

    /** I/O-like batch call: {@code fixedMillis} of waiting per call plus {@code perRecordMicros} of CPU per record. */
    static final class Lookup implements BatchFunction<Long, Long> {
        private final long fixedMillis;
        private final long perRecordMicros;

        Lookup(long fixedMillis, long perRecordMicros) {
            this.fixedMillis = fixedMillis;
            this.perRecordMicros = perRecordMicros;
        }

        @Override
        public List<Long> apply(List<Long> batch) throws InterruptedException {
            Thread.sleep(fixedMillis);
            long end = System.nanoTime() + perRecordMicros * 1000 * batch.size();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            List<Long> out = new ArrayList<>(batch.size());
            for (Long v : batch) {
                out.add(v + 1);
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ jobs

    /** One job run: net runtime and the map vertex's parallelism as the cluster ran it. */
    record Run(double seconds, int parallelism, int batch) {}

    private StreamExecutionEnvironment env(boolean auto) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        // A cache directory fresh for this run: "cold" really measures, "warm" is a file-cache hit.
        conf.set(AmorsizeOptions.CACHE_DIR, cacheDir.toString());
        if (auto) {
            conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_MAX_PARALLELISM, SLOTS);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort(), conf);
        if (!auto) {
            env.setParallelism(DEFAULT_PARALLELISM);
        }
        return env;
    }

    /** Input arrives from one source subtask and is spread round-robin to the operator's subtasks. */
    private static DataStream<Long> input(StreamExecutionEnvironment env, long records) {
        return env.fromSequence(1, records).setParallelism(1).rebalance();
    }

    /** map(fn) with parallelism p (0 = let the adaptive batch scheduler decide). */
    Run runMap(MapFunction<Long, Long> fn, long records, int p) throws Exception {
        StreamExecutionEnvironment env = env(p == 0);
        var mapped = input(env, records).map(fn).name("work");
        var sink = mapped.sinkTo(new DiscardingSink<>());
        if (p > 0) {
            mapped.setParallelism(p);
            sink.setParallelism(p);
        }
        return finish(env.execute("map p=" + p), 1);
    }

    /** mapBatches(fn) with parallelism p and batch b (p = 0: adaptive scheduler, records one by one). */
    Run runBatches(Lookup fn, long records, int p, int b) throws Exception {
        StreamExecutionEnvironment env = env(p == 0);
        DataStream<Long> in = input(env, records);
        DataStream<Long> out;
        if (p == 0) {
            out = in.map(v -> fn.apply(new ArrayList<>(List.of(v))).get(0))
                    .returns(Types.LONG)
                    .name("work");
        } else {
            out = AmorsizeFlink.mapBatches(in, fn, fixed(p, b), Types.LONG).name("work");
        }
        var sink = out.sinkTo(new DiscardingSink<>());
        if (p > 0) {
            sink.setParallelism(p);
        }
        return finish(env.execute("batches p=" + p + " b=" + b), p == 0 ? 1 : b);
    }

    private Run finish(JobExecutionResult result, int batch) throws Exception {
        double seconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
        return new Run(seconds, workParallelism(result.getJobID().toHexString()), batch);
    }

    /** Parallelism of the vertex that runs the work (the one named "work"), from the REST API. */
    private int workParallelism(String jobId) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        int p = -1;
        for (JsonNode v : json.readTree(r.body()).path("vertices")) {
            if (v.path("name").asText().contains("work")) {
                p = v.path("parallelism").asInt();
            }
        }
        return p;
    }

    static Recommendation fixed(int p, int b) {
        return new Recommendation(p, b, Action.KEEP, p, Double.NaN, Double.NaN, List.of(), Source.COMPUTED, "sweep");
    }

    // ------------------------------------------------------------------ measurement protocol

    @FunctionalInterface
    interface Job {
        Run run() throws Exception;
    }

    /** Median of 3 runs for short jobs; one run for jobs over 8 s (their noise is small relative). */
    static Run median(Job job) throws Exception {
        Run first = job.run();
        if (first.seconds() > 8) {
            return first;
        }
        List<Run> runs = new ArrayList<>(List.of(first, job.run(), job.run()));
        runs.sort((a, b) -> Double.compare(a.seconds(), b.seconds()));
        return runs.get(1);
    }

    record Row(
            String workload,
            Run defaults,
            Recommendation rec,
            double coldTuneSeconds,
            double warmTuneMillis,
            Run amorsize,
            Run oracle,
            Map<String, Double> sweep,
            Run adaptive) {}

    static List<Long> sampleOf(long records, int n) {
        // evenly spread over the input, as a caller would take it
        long step = Math.max(1, records / n);
        return new ArrayList<>(
                LongStream.range(0, n).map(i -> 1 + i * step).boxed().toList());
    }

    Row mapWorkload(String name, MapFunction<Long, Long> fn, long records, int sampleSize) throws Exception {
        System.err.println("== " + name);
        runMap(fn, Math.max(1, records / 10), SLOTS); // warm-up: JIT and class loading, not timed
        Run defaults = median(() -> runMap(fn, records, DEFAULT_PARALLELISM));
        StreamExecutionEnvironment tuneEnv = env(false);
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeFlink.tune(tuneEnv, sampleOf(records, sampleSize), fn, records);
        double cold = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Recommendation warm = AmorsizeFlink.tune(tuneEnv, sampleOf(records, sampleSize), fn, records);
        double warmMs = (System.nanoTime() - t1) / 1e6;
        System.err.println("   cold " + rec + "\n   warm " + warm);
        Run amorsize = median(() -> runMap(fn, records, rec.parallelism()));
        Map<String, Double> sweep = new LinkedHashMap<>();
        Run best = null;
        for (int p = 1; p <= SLOTS; p++) {
            int pp = p;
            Run r = p == rec.parallelism()
                    ? amorsize
                    : p == DEFAULT_PARALLELISM ? defaults : median(() -> runMap(fn, records, pp));
            sweep.put("p=" + p, r.seconds());
            if (best == null || r.seconds() < best.seconds()) {
                best = r;
            }
        }
        Run adaptive = median(() -> runMap(fn, records, 0));
        return new Row(name, defaults, rec, cold, warmMs, amorsize, best, sweep, adaptive);
    }

    Row batchWorkload(String name, Lookup fn, long records, int sampleSize, int[] batches) throws Exception {
        System.err.println("== " + name);
        runBatches(fn, Math.max(1, records / 10), SLOTS, 16); // warm-up, not timed
        Run defaults = median(() -> runBatches(fn, records, DEFAULT_PARALLELISM, 1));
        StreamExecutionEnvironment tuneEnv = env(false);
        long t0 = System.nanoTime();
        Recommendation rec = AmorsizeFlink.tuneBatches(tuneEnv, sampleOf(records, sampleSize), fn, records);
        double cold = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Recommendation warm = AmorsizeFlink.tuneBatches(tuneEnv, sampleOf(records, sampleSize), fn, records);
        double warmMs = (System.nanoTime() - t1) / 1e6;
        System.err.println("   cold " + rec + "\n   warm " + warm);
        Run amorsize = median(() -> runBatches(fn, records, rec.parallelism(), rec.batchSize()));
        Map<String, Double> sweep = new LinkedHashMap<>();
        Run best = null;
        for (int b : batches) {
            for (int p = 1; p <= SLOTS; p++) {
                int pp = p;
                Run r = p == DEFAULT_PARALLELISM && b == 1 ? defaults : median(() -> runBatches(fn, records, pp, b));
                sweep.put("p=" + p + ",b=" + b, r.seconds());
                if (best == null || r.seconds() < best.seconds()) {
                    best = r;
                }
            }
        }
        Run adaptive = median(() -> runBatches(fn, records, 0, 1));
        return new Row(name, defaults, rec, cold, warmMs, amorsize, best, sweep, adaptive);
    }

    // ------------------------------------------------------------------ main

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("cores")) {
            FlinkCoresBenchmark.main(args);
            return;
        }
        boolean quick = Arrays.asList(args).contains("quick");
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("32m"));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(TASK_MANAGERS)
                .setNumSlotsPerTaskManager(SLOTS_PER_TM)
                .build());
        cluster.start();
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        try {
            FlinkBenchmark bench = new FlinkBenchmark(
                    cluster.getRestAddress().get(30, TimeUnit.SECONDS),
                    java.nio.file.Files.createTempDirectory("amorsize-flink-bench"));
            int scale = quick ? 10 : 1;
            List<Row> rows = new ArrayList<>();
            rows.add(bench.mapWorkload(
                    "CPU-heavy, small input: " + (4_000 / scale) + " records x 2 ms",
                    new Spin(2_000),
                    4_000 / scale,
                    200));
            rows.add(bench.mapWorkload(
                    "cheap, large input: " + (10_000_000 / scale) + " records x ~10 ns",
                    new Cheap(),
                    10_000_000 / scale,
                    2_000));
            rows.add(bench.batchWorkload(
                    "batchable I/O-like: " + (10_000 / scale) + " records, 2 ms wait per call + 20 us CPU per record",
                    new Lookup(2, 20),
                    10_000 / scale,
                    400,
                    new int[] {1, 16, 128, 1024}));
            System.out.println(report(
                    rows,
                    Runtime.getRuntime().availableProcessors(),
                    (System.nanoTime() - started) / 1e9,
                    loadBefore,
                    loadAverage()));
        } finally {
            cluster.closeAsync().get(60, TimeUnit.SECONDS);
        }
    }

    /** The 1/5/15-minute load averages (Linux), or "n/a": other processes' CPU use shows in the numbers. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim()
                    .split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    static String report(List<Row> rows, int cores, double totalSeconds, String loadBefore, String loadAfter) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Local Flink cluster: %d task managers x %d slots, %d CPU cores, "
                        + "Flink %s, BATCH mode; net job runtimes (median of 3 for jobs under 8 s).%n%n",
                TASK_MANAGERS,
                SLOTS_PER_TM,
                cores,
                org.apache.flink.runtime.util.EnvironmentInformation.getVersion()));
        sb.append("| workload | default (p=1, batch 1) | Amorsize pick | Amorsize job | cold tune | warm tune "
                + "| oracle (best of sweep) | adaptive scheduler | Amorsize vs oracle | speedup vs default |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f s | p=%d, batch %d (%s) | %.2f s | %.2f s | %.1f ms | %.2f s (p=%d, batch %d) "
                            + "| %.2f s (p=%d) | %.2fx | %.2fx |%n",
                    r.workload(),
                    r.defaults().seconds(),
                    r.rec().parallelism(),
                    r.rec().batchSize(),
                    r.rec().source().name().toLowerCase(Locale.ROOT),
                    r.amorsize().seconds(),
                    r.coldTuneSeconds(),
                    r.warmTuneMillis(),
                    r.oracle().seconds(),
                    r.oracle().parallelism(),
                    r.oracle().batch(),
                    r.adaptive().seconds(),
                    r.adaptive().parallelism(),
                    r.amorsize().seconds() / r.oracle().seconds(),
                    r.defaults().seconds() / r.amorsize().seconds()));
        }
        sb.append("\nSweeps (net runtime, s):\n\n");
        for (Row r : rows) {
            sb.append("- ").append(r.workload()).append(": ");
            List<String> parts = new ArrayList<>();
            r.sweep().forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.2f", k, v)));
            sb.append(String.join(", ", parts)).append('\n');
        }
        sb.append(String.format(
                Locale.ROOT,
                "%nWhole run: %.0f s. Load average (1/5/15 min) before: %s, after: %s.%n",
                totalSeconds,
                loadBefore,
                loadAfter));
        return sb.toString();
    }
}
