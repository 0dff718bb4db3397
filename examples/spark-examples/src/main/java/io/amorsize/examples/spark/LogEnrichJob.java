package io.amorsize.examples.spark;

import io.amorsize.Recommendation;
import io.amorsize.examples.logs.LogWorkload;
import io.amorsize.examples.logs.LogWorkload.Event;
import io.amorsize.spark.AmorsizeSpark;
import io.amorsize.spark.SparkTuneOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * A realistic Spark job tuned by Amorsize: parse web-server log lines and enrich them (a CPU-heavy
 * user-agent fingerprint), then look each event up in a simulated slow service that is called in
 * batches ({@code mapBatches}: a fixed cost per call plus a small cost per record).
 *
 * <p>Runs (a) locally on an embedded default ({@code local[2]}, local file cache, no Redis needed)
 * when no {@code spark.master} is set, or (b) on a cluster under {@code spark-submit}, or with
 * {@code --master spark://host:7077 --jar <this shaded jar>}. The shared cache is Redis when
 * {@code AMORSIZE_REDIS_URL} (or {@code spark.amorsize.redis.url}) is set.
 *
 * <p>Prints, for both tuned steps, the recommendation and its explanation, then these lines, which
 * the docker and local-cluster scripts check:
 * <pre>
 * amorsize source: parse=CACHE_REDIS service=CACHE_REDIS
 * amorsize jobs: total=0 sample=0 measure=0 calibrate=0
 * log-enrich: 100000 lines, 100000 enriched events, 4812 server errors, 3.1 s
 * </pre>
 * ({@code amorsize jobs} counts the Spark jobs Amorsize itself ran: zero on a cache hit, one sampling
 * job per decision on a miss — the function is timed inside it — and never a calibration job.)
 *
 * <p>Arguments: {@code --records N} (100000), {@code --partitions P} (1, like a single input file), {@code --rounds R} (40, the
 * CPU cost of the fingerprint), {@code --master URL}, {@code --jar PATH} (added to spark.jars).
 */
public final class LogEnrichJob {

    private LogEnrichJob() {}

    /** An event with the service's answer. */
    public record Enriched(Event event, String region) implements Serializable {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        long records = Long.parseLong(a.getOrDefault("records", "100000"));
        int partitions = Integer.parseInt(a.getOrDefault("partitions", "1")); // e.g. one input file
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "40"));

        SparkConf conf = new SparkConf().setAppName("amorsize-log-enrich");
        if (a.containsKey("master")) {
            conf.setMaster(a.get("master"));
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[2]"); // the embedded default
        }
        if (a.containsKey("jar")) {
            conf.setJars(new String[] {a.get("jar")});
        }
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            PhaseCounter phases = new PhaseCounter();
            sc.sc().addSparkListener(phases);

            // A parallelized collection: the driver knows the record count without a job (part of the cache key).
            JavaRDD<String> lines = sc.parallelize(
                    LongStream.range(0, records).mapToObj(LogWorkload::line).toList(), partitions);

            Function<String, Event> parse = new Parse(rounds);
            SparkTuneOptions parseOptions =
                    SparkTuneOptions.builder().function("log-enrich.parse", "1").build();
            Recommendation parseRec = AmorsizeSpark.recommend(lines, parse, parseOptions);
            print("parse", parseRec);
            JavaRDD<Event> events = AmorsizeSpark.apply(lines, parseRec).map(parse);

            Function<List<Event>, List<Enriched>> service = new SlowService();
            SparkTuneOptions serviceOptions = SparkTuneOptions.builder()
                    .function("log-enrich.geo-service", "1")
                    .build();
            Recommendation serviceRec = AmorsizeSpark.recommendBatches(events, service, serviceOptions);
            print("service", serviceRec);
            JavaRDD<Enriched> enriched = AmorsizeSpark.mapBatches(events, service, serviceRec);

            long serverErrors = enriched.filter(e -> e.event().status() >= 500).count();
            long total = enriched.count();
            sc.sc().listenerBus().waitUntilEmpty();
            System.out.println("amorsize source: parse=" + parseRec.source() + " service=" + serviceRec.source());
            System.out.println("amorsize jobs: " + phases);
            System.out.printf(
                    Locale.ROOT,
                    "log-enrich: %d lines, %d enriched events, %d server errors, %.1f s%n",
                    records,
                    total,
                    serverErrors,
                    (System.nanoTime() - t0) / 1e9);
            if (total != records) {
                throw new IllegalStateException("lost records: " + total + " of " + records);
            }
        }
    }

    private static void print(String step, Recommendation r) {
        System.out.println("amorsize " + step + ": " + r);
        System.out.println(r.explain().strip().replaceAll("(?m)^", "  "));
    }

    /** Parse + the CPU-heavy enrichment ({@link LogWorkload#parse}). */
    static final class Parse implements Function<String, Event> {
        private static final long serialVersionUID = 1L;
        private final int rounds;

        Parse(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public Event call(String line) {
            return LogWorkload.parse(line, rounds);
        }
    }

    /** The simulated slow service ({@link LogWorkload#serviceCall}, {@link LogWorkload#serviceLookup}): 3 ms per call plus ~2 µs per record. */
    static final class SlowService implements Function<List<Event>, List<Enriched>> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Enriched> call(List<Event> batch) throws InterruptedException {
            LogWorkload.serviceCall();
            List<Enriched> out = new ArrayList<>(batch.size());
            for (Event e : batch) {
                out.add(new Enriched(e, "region-" + LogWorkload.serviceLookup(e)));
            }
            return out;
        }
    }

    /** Counts the Spark jobs Amorsize runs, by phase (the jobs' {@code amorsize.phase} property). */
    static final class PhaseCounter extends SparkListener {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String phase = start.properties() == null
                    ? null
                    : start.properties().getProperty(AmorsizeSpark.JOB_PHASE_PROPERTY);
            if (phase != null) {
                counts.computeIfAbsent(phase, k -> new AtomicInteger()).incrementAndGet();
            }
        }

        @Override
        public String toString() {
            int s = get("sample");
            int m = get("measure");
            int c = get("calibrate");
            int total = counts.values().stream().mapToInt(AtomicInteger::get).sum();
            return "total=" + total + " sample=" + s + " measure=" + m + " calibrate=" + c;
        }

        private int get(String k) {
            AtomicInteger v = counts.get(k);
            return v == null ? 0 : v.get();
        }
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: LogEnrichJob [--records N] [--partitions P] [--rounds R]"
                        + " [--master URL] [--jar PATH]; bad argument: " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
