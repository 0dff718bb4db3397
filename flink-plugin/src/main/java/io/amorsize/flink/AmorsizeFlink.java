package io.amorsize.flink;

import io.amorsize.AmorsizeException;
import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.RecordFunction;
import io.amorsize.Ticker;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.InputKind;
import io.amorsize.key.InputShape;
import io.amorsize.measure.Measured;
import io.amorsize.measure.Measurer;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.recommend.DecisionStopRule;
import io.amorsize.tune.EngineAdapter;
import io.amorsize.tune.EngineInput;
import io.amorsize.tune.Measurement;
import io.amorsize.tune.TunedRun;
import io.amorsize.tune.TuningMetrics;
import io.amorsize.tune.TuningPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.MissingTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amorsize for Apache Flink (BATCH execution mode): measures what a function costs per record where
 * the job will run, before the job is built, and recommends the operator's parallelism and batch size.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.setRuntimeMode(RuntimeExecutionMode.BATCH);
 * Recommendation rec = AmorsizeFlink.tune(env, sample, fn, expectedRecords);
 * env.fromData(records).map(fn).setParallelism(rec.parallelism());
 * }</pre>
 *
 * <p>On a cache miss the function is measured on the sample by a small bounded job on a task manager
 * of the running cluster, or in this (client) JVM for a local environment or with
 * {@link MeasureOn#CLIENT} ({@link FlinkTuneOptions.Builder#measureOn}); the cache (Redis, with a local
 * file fallback) is consulted only here — task managers never connect to Redis. The recommendation
 * reaches the job as numbers: the parallelism you set and the batch size the
 * {@link #mapBatches mapBatches} operator carries.
 *
 * <p>Tuning never fails the job: any error yields {@link Recommendation#fallback} with the
 * environment's default parallelism and one WARN line, unless strict mode
 * ({@code amorsize.strict}) is on, in which case {@link AmorsizeException} is thrown. Each decision
 * is logged as one INFO line with its numbers.
 *
 * <p>The names {@code AmorsizeSpark} uses work here too: {@link #recommend} (= {@code tune}),
 * {@code recommendBatches} (= {@code tuneBatches}) and {@link #apply}. This class holds only what is
 * Flink's (the input, the cluster from the REST API, measuring with Flink's serializers, the
 * operators); enabled, strict, fallback, fingerprint, cache, the INFO line and the counters of
 * {@link #metrics()} are core's {@link TuningPipeline}, shared with Spark.
 */
public final class AmorsizeFlink {

    private static final Logger LOG = LoggerFactory.getLogger(AmorsizeFlink.class);
    private static final TuningMetrics METRICS = new TuningMetrics();
    private static final TuningPipeline PIPELINE = new TuningPipeline(METRICS);

    private AmorsizeFlink() {}

    // ---------------------------------------------------------------- per-record functions

    /**
     * Recommends the parallelism for {@code stream.map(fn)} over {@code expectedRecords} records,
     * measuring {@code fn} on {@code sample} (skipped on a cache hit).
     *
     * @param env             the environment the job is built in (configuration, cluster)
     * @param sample          representative input records, e.g. a few hundred; not modified
     * @param fn              the function the operator will run (a plain, not a rich, function:
     *                        it is measured without a runtime context)
     * @param expectedRecords records the operator will see in total (>= 0)
     * @return the recommendation; {@code parallelism()} is meant for {@code setParallelism}
     * @throws IllegalArgumentException on a null argument or a negative record count
     * @throws AmorsizeException        in strict mode, when tuning fails
     */
    public static <T, R> Recommendation tune(
            StreamExecutionEnvironment env, List<T> sample, MapFunction<T, R> fn, long expectedRecords) {
        return tune(env, sample, fn, expectedRecords, FlinkTuneOptions.defaults());
    }

    /** {@link #tune(StreamExecutionEnvironment, List, MapFunction, long)} with per-call options. */
    public static <T, R> Recommendation tune(
            StreamExecutionEnvironment env,
            List<T> sample,
            MapFunction<T, R> fn,
            long expectedRecords,
            FlinkTuneOptions options) {
        requireArgs(env, "sample", sample, fn, options);
        requireSample(sample, expectedRecords);
        List<T> records = List.copyOf(sample);
        TaskManagerMeasurement.Step<T> step = (measurer, recs) -> {
            RecordFunction<T, R> recordFn = fn::map;
            return measurer.measureWithReport(List.of(recs), recordFn);
        };
        return run(
                env,
                fn,
                options,
                "map",
                settings -> listInput(records.size(), expectedRecords),
                settings -> new Sampled<>(spread(records, settings), typeOf(records), step));
    }

    /**
     * Recommends the parallelism for {@code fn} over a bounded text input (a file or a directory of
     * files, one record per line), drawing the sample itself: lines are read at offsets spread over
     * all the files (not only the first lines), and the record count is estimated from the file
     * sizes ÷ the sampled bytes per line. Only the local or Flink file system is read; no job runs.
     *
     * @param input a file or directory readable through Flink's {@code FileSystem}
     */
    public static <R> Recommendation tune(StreamExecutionEnvironment env, Path input, MapFunction<String, R> fn) {
        return tune(env, input, fn, FlinkTuneOptions.defaults());
    }

    /** {@link #tune(StreamExecutionEnvironment, Path, MapFunction)} with per-call options. */
    public static <R> Recommendation tune(
            StreamExecutionEnvironment env, Path input, MapFunction<String, R> fn, FlinkTuneOptions options) {
        requireArgs(env, "input", input, fn, options);
        TaskManagerMeasurement.Step<String> step = (measurer, lines) -> {
            RecordFunction<String, R> recordFn = fn::map;
            return measurer.measureWithReport(List.of(lines), recordFn);
        };
        TextSample[] drawn = new TextSample[1];
        return run(
                env,
                fn,
                options,
                "map",
                settings -> {
                    // Lines at spread offsets: a few ms of reads, no job; the bytes are the key's input shape.
                    drawn[0] = TextInputSampler.sample(input, settings);
                    return new InputPlan(
                            InputKind.FILES.shape(-1, drawn[0].totalBytes(), 1), drawn[0].workload(), drawn[0].notes());
                },
                settings -> new Sampled<>(new ArrayList<>(drawn[0].lines()), Types.STRING, step));
    }

    // ---------------------------------------------------------------- batch functions

    /**
     * Recommends parallelism <em>and batch size</em> for {@link #mapBatches} with {@code fn}: the
     * function is timed at several batch sizes (on a task manager or in this JVM, as for {@code tune}) to fit
     * its fixed per-call and per-record cost.
     */
    public static <T, R> Recommendation tuneBatches(
            StreamExecutionEnvironment env, List<T> sample, BatchFunction<T, R> fn, long expectedRecords) {
        return tuneBatches(env, sample, fn, expectedRecords, FlinkTuneOptions.defaults());
    }

    /** {@link #tuneBatches(StreamExecutionEnvironment, List, BatchFunction, long)} with per-call options. */
    public static <T, R> Recommendation tuneBatches(
            StreamExecutionEnvironment env,
            List<T> sample,
            BatchFunction<T, R> fn,
            long expectedRecords,
            FlinkTuneOptions options) {
        requireArgs(env, "sample", sample, fn, options);
        requireSample(sample, expectedRecords);
        List<T> records = List.copyOf(sample);
        TaskManagerMeasurement.Step<T> step = (measurer, recs) -> measurer.measureBatchesWithReport(recs, fn);
        return run(
                env,
                fn,
                options,
                "mapBatches",
                settings -> listInput(records.size(), expectedRecords),
                settings -> new Sampled<>(spread(records, settings), typeOf(records), step));
    }

    /**
     * Applies {@code fn} to batches of {@code rec.batchSize()} records per subtask, with
     * {@code rec.parallelism()} subtasks. The last partial batch of each subtask is flushed at end of
     * input; the results of a batch are emitted in the order {@code fn} returns them. The output type
     * is extracted from {@code fn} where Java's generics allow it; for lambdas call
     * {@code .returns(...)} on the result, or use the overload with a {@link TypeInformation}.
     *
     * <p>A batch function that also implements Flink's {@code RichFunction} gets the runtime context
     * and {@code open}/{@code close}, e.g. to hold a client connection per subtask.
     */
    public static <T, R> SingleOutputStreamOperator<R> mapBatches(
            DataStream<T> in, BatchFunction<T, R> fn, Recommendation rec) {
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        return mapBatches(in, fn, rec, outputType(fn, in));
    }

    /** {@link #mapBatches(DataStream, BatchFunction, Recommendation)} with an explicit output type. */
    public static <T, R> SingleOutputStreamOperator<R> mapBatches(
            DataStream<T> in, BatchFunction<T, R> fn, Recommendation rec, TypeInformation<R> outType) {
        if (in == null) {
            throw new IllegalArgumentException("in must not be null");
        }
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        if (rec == null) {
            throw new IllegalArgumentException("rec must not be null");
        }
        if (outType == null) {
            throw new IllegalArgumentException("outType must not be null");
        }
        in.getExecutionEnvironment().clean(fn);
        String observeAs = FlinkObserver.claim(in.getExecutionEnvironment(), rec, true);
        SingleOutputStreamOperator<R> out = in.transform(
                "Amorsize batches of " + rec.batchSize(),
                outType,
                new BatchingOperator<>(fn, rec.batchSize(), observeAs));
        return out.setParallelism(rec.parallelism());
    }

    // ---------------------------------------------------------------- the names AmorsizeSpark uses

    /** {@link #tune(StreamExecutionEnvironment, List, MapFunction, long)} under the name AmorsizeSpark uses. */
    public static <T, R> Recommendation recommend(
            StreamExecutionEnvironment env, List<T> sample, MapFunction<T, R> fn, long expectedRecords) {
        return tune(env, sample, fn, expectedRecords);
    }

    /** {@link #tune(StreamExecutionEnvironment, List, MapFunction, long, FlinkTuneOptions)} under the name AmorsizeSpark uses. */
    public static <T, R> Recommendation recommend(
            StreamExecutionEnvironment env,
            List<T> sample,
            MapFunction<T, R> fn,
            long expectedRecords,
            FlinkTuneOptions options) {
        return tune(env, sample, fn, expectedRecords, options);
    }

    /** {@link #tune(StreamExecutionEnvironment, Path, MapFunction)} under the name AmorsizeSpark uses. */
    public static <R> Recommendation recommend(StreamExecutionEnvironment env, Path input, MapFunction<String, R> fn) {
        return tune(env, input, fn);
    }

    /** {@link #tune(StreamExecutionEnvironment, Path, MapFunction, FlinkTuneOptions)} under the name AmorsizeSpark uses. */
    public static <R> Recommendation recommend(
            StreamExecutionEnvironment env, Path input, MapFunction<String, R> fn, FlinkTuneOptions options) {
        return tune(env, input, fn, options);
    }

    /** {@link #tuneBatches(StreamExecutionEnvironment, List, BatchFunction, long)} under the name AmorsizeSpark uses. */
    public static <T, R> Recommendation recommendBatches(
            StreamExecutionEnvironment env, List<T> sample, BatchFunction<T, R> fn, long expectedRecords) {
        return tuneBatches(env, sample, fn, expectedRecords);
    }

    /** {@link #tuneBatches(StreamExecutionEnvironment, List, BatchFunction, long, FlinkTuneOptions)} under the name AmorsizeSpark uses. */
    public static <T, R> Recommendation recommendBatches(
            StreamExecutionEnvironment env,
            List<T> sample,
            BatchFunction<T, R> fn,
            long expectedRecords,
            FlinkTuneOptions options) {
        return tuneBatches(env, sample, fn, expectedRecords, options);
    }

    /**
     * Applies a recommendation to an operator: {@code operator.setParallelism(rec.parallelism())}
     * (the counterpart of {@code AmorsizeSpark.apply}; {@link #mapBatches} also applies the batch size).
     *
     * @throws IllegalArgumentException on a null argument
     */
    public static <T> SingleOutputStreamOperator<T> apply(SingleOutputStreamOperator<T> operator, Recommendation rec) {
        if (operator == null) {
            throw new IllegalArgumentException("operator must not be null");
        }
        if (rec == null) {
            throw new IllegalArgumentException("rec must not be null");
        }
        FlinkObserver.claim(operator.getExecutionEnvironment(), rec, false);
        return operator.setParallelism(rec.parallelism());
    }

    /**
     * Reports the runs of the operators Amorsize tuned ({@link #mapBatches}) that ran in the job of
     * {@code result}: records, time in the batch function and the job's net runtime go to the cached
     * entry, and the next decision for the same function is corrected by them. Jobs run with
     * {@code env.execute()} are observed without this call (a JobListener on the environment); call it
     * for a job run with {@code executeAsync} ({@code jobClient.getJobExecutionResult().get()}).
     * Never throws for a bad result; does nothing with {@code feedback.enabled=false}.
     *
     * @return how many tuned operators were observed
     * @throws IllegalArgumentException when {@code result} is null
     */
    public static int observe(JobExecutionResult result) {
        if (result == null) {
            throw new IllegalArgumentException("result must not be null");
        }
        return FlinkObserver.observe(result);
    }

    /**
     * This JVM's counters of Flink decisions (hits, misses, fallbacks, decisions, tuning time), e.g.
     * to publish to a metrics system. Decisions skipped (tuning disabled, empty input) are not counted.
     */
    public static TuningMetrics metrics() {
        return METRICS;
    }

    // ---------------------------------------------------------------- the pipeline

    /**
     * What is known about the input before measuring (the cache key's part), the workload, and lines
     * for the explanation. Partitions are filled in by {@link #run}.
     */
    private record InputPlan(InputShape shape, Workload workload, List<String> notes) {}

    private static InputPlan listInput(int sampled, long expectedRecords) {
        return new InputPlan(
                InputKind.RECORDS.shape(expectedRecords, -1, 1),
                Workload.of(expectedRecords, 1),
                List.of("sample of " + sampled + " records given by the caller; " + expectedRecords
                        + " records expected"));
    }

    /** The sample to measure, its Flink type (to ship it to a task manager) and what to run on it. */
    private record Sampled<T>(List<T> records, TypeInformation<T> type, TaskManagerMeasurement.Step<T> step) {
        Measured runHere(Measurer measurer) {
            return step.run(measurer, records);
        }

        TaskManagerMeasurement.Result runOnTaskManager(
                StreamExecutionEnvironment env, Settings settings, Workload workload, ClusterShape cluster) {
            return TaskManagerMeasurement.run(env, records, type, step, settings, workload, cluster);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> TypeInformation<T> typeOf(List<T> records) {
        return records.isEmpty()
                ? (TypeInformation<T>) Types.VOID
                : (TypeInformation<T>) TypeExtractor.getForObject(records.get(0));
    }

    private static Recommendation run(
            StreamExecutionEnvironment env,
            Object fn,
            FlinkTuneOptions options,
            String operator,
            Function<Settings, InputPlan> planner,
            Function<Settings, Sampled<?>> measure) {
        return PIPELINE.decide(new FlinkEngine(env, options, operator, planner, measure), fn, options.common());
    }

    /** What Flink contributes to a decision; {@link TuningPipeline} does the rest. */
    private static final class FlinkEngine implements EngineAdapter {
        private final StreamExecutionEnvironment env;
        private final FlinkTuneOptions options;
        private final String operator;
        private final Function<Settings, InputPlan> planner;
        private final Function<Settings, Sampled<?>> measure;
        private final int defaultParallelism;
        private ClusterShape cluster;

        FlinkEngine(
                StreamExecutionEnvironment env,
                FlinkTuneOptions options,
                String operator,
                Function<Settings, InputPlan> planner,
                Function<Settings, Sampled<?>> measure) {
            this.env = env;
            this.options = options;
            this.operator = operator;
            this.planner = planner;
            this.measure = measure;
            this.defaultParallelism = FlinkClusterShape.defaultParallelism(env);
        }

        @Override
        public int currentParallelism() {
            return defaultParallelism;
        }

        @Override
        public Settings settings() {
            return AmorsizeOptions.settings(env.getConfiguration(), System.getenv());
        }

        @Override
        public Recommendation disabled(Settings settings) {
            LOG.info(
                    "amorsize: flink {} parallelism {} kept: tuning disabled (amorsize.enabled=false, from {})",
                    operator,
                    defaultParallelism,
                    settings.originLabel(Options.ENABLED));
            return Recommendation.fallback(defaultParallelism, "tuning disabled (amorsize.enabled=false)");
        }

        @Override
        public EngineInput describeInput(Settings settings) {
            InputPlan plan = planner.apply(settings);
            if (plan.workload().records() == 0) {
                LOG.info(
                        "amorsize: flink {} parallelism {} kept: the input is empty, nothing to tune",
                        operator,
                        defaultParallelism);
                return EngineInput.nothingToTune(
                        Recommendation.fallback(defaultParallelism, "empty input: nothing to tune"));
            }
            InputShape shape =
                    InputKind.describe(plan.shape().knownRecords(), plan.shape().knownBytes(), defaultParallelism);
            return EngineInput.of(shape, plan.workload(), plan.notes());
        }

        @Override
        public ClusterShape cluster(
                Settings settings, String fingerprint, EngineInput input, RecommendationStore store) {
            cluster = options.slots() > 0
                    ? FlinkClusterShape.withSlots(env, settings, options.slots())
                    : FlinkClusterShape.detect(env, settings);
            return cluster;
        }

        @Override
        public Workload workload(EngineInput input, ClusterShape cluster) {
            return constrain(input.knownWorkload(), defaultParallelism, env, options, cluster);
        }

        @Override
        public Measurement measure(Settings settings, EngineInput input, Workload workload) {
            Sampled<?> sampled = measure.apply(settings);
            List<String> notes = new ArrayList<>(input.notes());
            Measured measured;
            if (onTaskManager()) {
                TaskManagerMeasurement.Result r = sampled.runOnTaskManager(env, settings, workload, cluster);
                LOG.debug("amorsize: flink {} {}", operator, r.where());
                measured = r.measured();
                notes.add(r.where() + " (record sizes from Flink's serializers); task managers never contact the "
                        + "cache");
            } else {
                Measurer measurer = DecisionStopRule.attach(
                        new Measurer(settings, Ticker.system())
                                .withSizer(new FlinkSizer(env.getConfig().getSerializerConfig())),
                        settings,
                        workload,
                        cluster);
                measured = sampled.runHere(measurer);
                notes.add("measured in the Flink client JVM (record sizes from Flink's serializers); task managers "
                        + "never contact the cache");
            }
            notes.add(measured.report().describe());
            return new Measurement(measured.profile(), workload, notes);
        }

        /**
         * {@link MeasureOn#AUTO}: a task manager when the environment submits to a running cluster whose
         * slots were read from it; slots given per call describe a cluster that may not run yet: the client.
         */
        private boolean onTaskManager() {
            return switch (options.measureOn()) {
                case TASK_MANAGER -> true;
                case CLIENT -> false;
                case AUTO ->
                    options.slots() <= 0
                            && FlinkClusterShape.restEndpoint(env.getConfiguration())
                                    .isPresent();
            };
        }

        @Override
        public String fallbackLine(int kept, String reason) {
            return "amorsize: flink " + operator + " parallelism " + kept + " kept (tuning failed: " + reason + ")";
        }

        @Override
        public String strictMessage(String reason) {
            return "amorsize: tuning the Flink " + operator + " failed: " + reason;
        }

        @Override
        public void decided(Recommendation rec, ClusterShape cluster, Workload workload, long elapsedNanos) {
            logDecision(operator, rec, cluster, workload, elapsedNanos);
        }

        @Override
        public void tuned(TunedRun run) {
            FlinkObserver.tuned(run);
        }
    }

    /** The workload with the environment's parallelism as the current one and the max-parallelism rule. */
    private static Workload constrain(
            Workload w,
            int defaultParallelism,
            StreamExecutionEnvironment env,
            FlinkTuneOptions options,
            ClusterShape cluster) {
        // Another parallelism than the input's is a rebalance in Flink: no free shrink (COALESCE).
        Workload base = Workload.of(w.count(), defaultParallelism).withResizeRebalances();
        int max = options.maxParallelism() > 0 ? options.maxParallelism() : Math.max(0, env.getMaxParallelism());
        if (max == 0 && options.keyed()) {
            // What Flink derives when the max parallelism is unset (128 for parallelism <= 85).
            max = KeyGroupRangeAssignment.computeDefaultMaxParallelism(Math.max(defaultParallelism, cluster.slots()));
        }
        // Never more subtasks than slots: a STREAMING job needs a slot per subtask to start at all.
        int slots = Math.max(1, cluster.slots());
        int cap = max <= 0 ? slots : options.keyed() ? largestDivisorAtMost(max, slots) : Math.min(max, slots);
        return base.withMaxParallelism(cap, options.keyed());
    }

    /**
     * The largest divisor of {@code max} that is at most {@code limit}: every divisor of it divides
     * {@code max} too, so a keyed operator's key groups still spread evenly.
     */
    static int largestDivisorAtMost(int max, int limit) {
        for (int d = Math.min(max, limit); d > 1; d--) {
            if (max % d == 0) {
                return d;
            }
        }
        return 1;
    }

    /** Flink context of a decision at DEBUG: the Tuner logs the decision's one INFO line. */
    private static void logDecision(
            String operator, Recommendation rec, ClusterShape cluster, Workload workload, long elapsedNanos) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        LOG.debug(
                "amorsize: flink {} parallelism {} -> {}, batch {} ({}, {} ms); predicted {} -> {} ({}x); "
                        + "{} slots, {} records{}",
                operator,
                rec.currentPartitions(),
                rec.parallelism(),
                rec.batchSize(),
                rec.source().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                fmt(elapsedNanos / 1e6),
                seconds(rec.currentNanos()),
                seconds(rec.predictedNanos()),
                fmt(rec.estimatedSpeedup()),
                cluster.slots(),
                workload.records(),
                workload.recordsExact() ? "" : " (estimated)");
    }

    private static String seconds(double nanos) {
        return Double.isFinite(nanos) ? fmt(nanos / 1e9) + " s" : "?";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** At most {@code sample.max-records} records, spread evenly over the list (not only its head). */
    static <T> List<T> spread(List<T> records, Settings settings) {
        int max = settings.get(Options.SAMPLE_MAX_RECORDS);
        if (records.size() <= max) {
            return new ArrayList<>(records);
        }
        List<T> out = new ArrayList<>(max);
        double step = (double) records.size() / max;
        for (int i = 0; i < max; i++) {
            out.add(records.get((int) (i * step)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T, R> TypeInformation<R> outputType(BatchFunction<T, R> fn, DataStream<T> in) {
        try {
            return (TypeInformation<R>) TypeExtractor.createTypeInfo(
                    BatchFunction.class, fn.getClass(), 1, in == null ? null : in.getType(), null);
        } catch (RuntimeException e) {
            return (TypeInformation<R>) new MissingTypeInfo(
                    "Amorsize mapBatches",
                    new org.apache.flink.api.common.functions.InvalidTypesException(
                            "could not extract the output type of "
                                    + fn.getClass().getName()
                                    + " (a lambda?): call .returns(...) or pass a TypeInformation",
                            e));
        }
    }

    private static void requireSample(List<?> sample, long expectedRecords) {
        if (expectedRecords < 0) {
            throw new IllegalArgumentException("expectedRecords must be >= 0, got " + expectedRecords);
        }
        if (sample.isEmpty() && expectedRecords > 0) {
            throw new IllegalArgumentException(
                    "sample must not be empty when expectedRecords > 0 (got " + expectedRecords + ")");
        }
        for (Object record : sample) { // not contains(null): immutable lists throw on it
            if (record == null) {
                throw new IllegalArgumentException("sample must not contain null records");
            }
        }
    }

    private static void requireArgs(
            StreamExecutionEnvironment env, String inputName, Object input, Object fn, FlinkTuneOptions o) {
        if (env == null) {
            throw new IllegalArgumentException("env must not be null");
        }
        if (input == null) {
            throw new IllegalArgumentException(inputName + " must not be null");
        }
        if (fn == null) {
            throw new IllegalArgumentException("fn must not be null");
        }
        if (o == null) {
            throw new IllegalArgumentException("options must not be null");
        }
    }

    /** For tests and the CLI: the settings a call with {@code options} would use. */
    static Settings settingsFor(StreamExecutionEnvironment env, FlinkTuneOptions options, Map<String, String> envVars) {
        return options.applyTo(AmorsizeOptions.settings(env.getConfiguration(), envVars));
    }
}
