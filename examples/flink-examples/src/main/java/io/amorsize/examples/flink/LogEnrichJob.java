package io.amorsize.examples.flink;

import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.examples.logs.LogWorkload;
import io.amorsize.examples.logs.LogWorkload.Event;
import io.amorsize.flink.AmorsizeFlink;
import io.amorsize.flink.FlinkTuneOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * The Flink twin of the Spark example: parse web-server log lines with a CPU-heavy enrichment
 * (iterated SHA-256 fingerprint of the user agent), then call a simulated slow service in batches
 * ({@code mapBatches}); Amorsize chooses both operators' parallelism and the batch size, measuring in
 * this client JVM (skipped on a cache hit).
 *
 * <p>Runs (a) locally on an embedded default (a local environment, file cache, no Redis needed), (b)
 * under {@code flink run} on a session cluster, or (c) with {@code --remote host:restPort --jar <this
 * shaded jar>} against a session cluster's REST endpoint. Redis when {@code AMORSIZE_REDIS_URL} is set.
 *
 * <p>Prints both recommendations with their explanations, then
 * <pre>
 * amorsize source: parse=CACHE_REDIS service=CACHE_REDIS
 * log-enrich: 100000 lines, 100000 enriched events, 4812 server errors, 3.1 s
 * </pre>
 *
 * <p>Arguments: {@code --records N} (100000), {@code --rounds R} (40), {@code --remote HOST:PORT},
 * {@code --jar PATH}.
 */
public final class LogEnrichJob {

    private LogEnrichJob() {}

    @SuppressWarnings("try") // CloseableIterator.close() may throw InterruptedException; main throws Exception
    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        long records = Long.parseLong(a.getOrDefault("records", "100000"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "40"));
        StreamExecutionEnvironment env;
        if (a.containsKey("remote")) {
            String[] hp = a.get("remote").split(":");
            if (!a.containsKey("jar")) {
                throw new IllegalArgumentException("--remote needs --jar <the shaded job jar>");
            }
            env = StreamExecutionEnvironment.createRemoteEnvironment(hp[0], Integer.parseInt(hp[1]), a.get("jar"));
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment(); // local, or the cluster under 'flink run'
        }
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        long t0 = System.nanoTime();

        List<String> sampleLines = new ArrayList<>();
        for (long i = 0; i < Math.min(records, 400); i++) {
            sampleLines.add(LogWorkload.line(i * 250 + 17));
        }
        Parse parse = new Parse(rounds);
        Recommendation parseRec = AmorsizeFlink.tune(
                env,
                sampleLines,
                parse,
                records,
                FlinkTuneOptions.builder().functionId("log-enrich.parse", "1").build());
        print("parse", parseRec);

        List<Event> sampleEvents = new ArrayList<>();
        for (String l : sampleLines) {
            sampleEvents.add(parse.map(l));
        }
        SlowService service = new SlowService();
        Recommendation serviceRec = AmorsizeFlink.tuneBatches(
                env,
                sampleEvents,
                service,
                records,
                FlinkTuneOptions.builder()
                        .functionId("log-enrich.geo-service", "1")
                        .build());
        print("service", serviceRec);

        DataStream<Event> events = env.fromSequence(0, records - 1)
                .setParallelism(1)
                .rebalance()
                .map(LogWorkload::line)
                .returns(Types.STRING)
                .map(parse)
                .returns(TypeInformation.of(Event.class))
                .setParallelism(parseRec.parallelism());
        DataStream<Tuple2<Integer, Long>> counts = AmorsizeFlink.mapBatches(
                        events, service, serviceRec, Types.TUPLE(Types.INT, Types.LONG))
                .setParallelism(serviceRec.parallelism())
                .keyBy(t -> t.f0, Types.INT)
                .sum(1);
        long total = 0;
        long serverErrors = 0;
        try (CloseableIterator<Tuple2<Integer, Long>> it = counts.executeAndCollect("amorsize-log-enrich")) {
            while (it.hasNext()) {
                Tuple2<Integer, Long> t = it.next();
                total += t.f1;
                if (t.f0 == 5) {
                    serverErrors += t.f1;
                }
            }
        }
        System.out.println("amorsize source: parse=" + parseRec.source() + " service=" + serviceRec.source());
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

    private static void print(String step, Recommendation r) {
        System.out.println("amorsize " + step + ": " + r);
        System.out.println(r.explain().strip().replaceAll("(?m)^", "  "));
    }

    /** Parse + the CPU-heavy enrichment ({@link LogWorkload#parse}). */
    static final class Parse implements MapFunction<String, Event> {
        private static final long serialVersionUID = 1L;
        private final int rounds;

        Parse(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public Event map(String line) {
            return LogWorkload.parse(line, rounds);
        }
    }

    /**
     * The simulated slow service: 3 ms per call plus ~2 µs per record; answers (status class, 1) so
     * that the job can count what it enriched.
     */
    static final class SlowService implements BatchFunction<Event, Tuple2<Integer, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Tuple2<Integer, Long>> apply(List<Event> batch) throws InterruptedException {
            LogWorkload.serviceCall();
            List<Tuple2<Integer, Long>> out = new ArrayList<>(batch.size());
            for (Event e : batch) {
                LogWorkload.serviceLookup(e);
                out.add(Tuple2.of(e.status() / 100, 1L));
            }
            return out;
        }
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "usage: LogEnrichJob [--records N] [--rounds R] [--remote HOST:PORT --jar PATH];"
                                + " bad argument: " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
