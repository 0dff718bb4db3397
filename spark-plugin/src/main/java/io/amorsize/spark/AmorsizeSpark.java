package io.amorsize.spark;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.SharedStores;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.key.InputShape;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.tune.EngineAdapter;
import io.amorsize.tune.EngineInput;
import io.amorsize.tune.Measurement;
import io.amorsize.tune.TunedRun;
import io.amorsize.tune.TuningPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amorsize for Spark RDDs: measure what a function costs per record, then partition the input so
 * that applying the function finishes soonest.
 *
 * <pre>{@code
 * JavaRDD<String> lines = sc.textFile("hdfs://...");
 * JavaRDD<Result> out = AmorsizeSpark.repartitionOptimal(lines, line -> parse(line)).map(line -> parse(line));
 *
 * // batch functions (one call, many records): batches of the recommended size, streamed
 * JavaRDD<Score> scores = AmorsizeSpark.mapBatches(lines, batch -> model.score(batch));
 * }</pre>
 *
 * <p>How a decision is made, all on the driver: the cache key (function fingerprint, what the
 * driver knows about the input without a job, the cluster fingerprint) is looked up in the shared
 * store; on a hit the decision is re-derived from the cached profile and <em>no Spark job runs</em>.
 * On a miss a few random partitions are sampled (one small job on those partitions only), the
 * function is timed on an executor (one one-task job), and the profile is stored. The store is
 * {@code Amorsize.currentStore()}: Redis when {@code spark.amorsize.redis.url} is set, with a local
 * file as fallback. Executors never connect to it.
 *
 * <p>Tuning never fails the job: any error leaves the RDD as it is and logs one WARN line with the
 * reason, unless strict mode is on ({@code spark.amorsize.strict=true} or
 * {@link SparkTuneOptions.Builder#strict(boolean)}), which throws {@link AmorsizeException}.
 * Every decision logs one INFO line, e.g.
 * {@code amorsize: 1 -> 16 partitions (REPARTITION), batch 1 (measured, 912.0 ms); predicted 42.1 s -> 3.2 s}.
 *
 * <p>Datasets and DataFrames ({@code Dataset<Row>}) have the same methods with a {@link MapFunction}
 * (and an {@link Encoder} for {@code mapBatches}); see {@link #repartitionOptimal(Dataset, MapFunction)}.
 *
 * <p>Scala callers pass {@code rdd.toJavaRDD()} and a {@code org.apache.spark.api.java.function.Function}.
 *
 * <p>This class holds only what is Spark's: the input as the driver knows it, the cluster and its
 * calibrated overhead, sampling and measuring on an executor, and applying a decision. Everything
 * else (enabled, strict, fallback, fingerprint, cache, the INFO line, {@link AmorsizeSparkMetrics})
 * is core's {@link TuningPipeline}, shared with Flink.
 */
public final class AmorsizeSpark {

    private static final Logger LOG = LoggerFactory.getLogger(AmorsizeSpark.class);
    private static final TuningPipeline PIPELINE = new TuningPipeline(AmorsizeSparkMetrics.COUNTERS);
    /** Local property set on the jobs Amorsize runs: "sample", "measure" or "calibrate". */
    public static final String JOB_PHASE_PROPERTY = "amorsize.phase";

    private AmorsizeSpark() {
    }

    /** {@link #repartitionOptimal(JavaRDD, Function, SparkTuneOptions)} with no per-call options. */
    public static <T, R> JavaRDD<T> repartitionOptimal(JavaRDD<T> rdd, Function<T, R> fn) {
        return repartitionOptimal(rdd, fn, SparkTuneOptions.defaults());
    }

    /**
     * Returns {@code rdd} repartitioned, coalesced or unchanged, as recommended for applying
     * {@code fn} to every record. Does not apply {@code fn}: follow with {@code .map(fn)}.
     *
     * @throws AmorsizeException only in strict mode, when tuning fails
     */
    public static <T, R> JavaRDD<T> repartitionOptimal(JavaRDD<T> rdd, Function<T, R> fn, SparkTuneOptions options) {
        return apply(rdd, recommend(rdd, fn, options));
    }

    /** {@link #recommend(JavaRDD, Function, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Recommendation recommend(JavaRDD<T> rdd, Function<T, R> fn) {
        return recommend(rdd, fn, SparkTuneOptions.defaults());
    }

    /**
     * The recommendation for applying {@code fn} to {@code rdd}, without changing anything; see
     * {@link Recommendation#explain()} for the numbers behind it.
     */
    public static <T, R> Recommendation recommend(JavaRDD<T> rdd, Function<T, R> fn, SparkTuneOptions options) {
        return recommend(rdd, fn, options, null);
    }

    /** The RDD path with the input described by a Dataset's plan ({@code plan}, null: the RDD lineage). */
    static <T, R> Recommendation recommend(JavaRDD<T> rdd, Function<T, R> fn, SparkTuneOptions options,
                                           DatasetInput plan) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        return decide(rdd, fn, options, plan, (jsc, sample, budgets) ->
                ExecutorMeasurement.measureRecords(jsc, sample.groups(), fn, budgets));
    }

    /** {@link #mapBatches(JavaRDD, Function, SparkTuneOptions)} with no per-call options. */
    public static <T, R> JavaRDD<R> mapBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn) {
        return mapBatches(rdd, batchFn, SparkTuneOptions.defaults());
    }

    /**
     * Repartitions {@code rdd} as recommended for {@code batchFn}, then applies {@code batchFn} to
     * batches of the recommended size inside each partition, streaming through the partition (a
     * partition is never materialised; the last, partial batch is flushed).
     */
    public static <T, R> JavaRDD<R> mapBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn,
                                               SparkTuneOptions options) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(batchFn, "batchFn");
        Objects.requireNonNull(options, "options");
        return mapBatches(rdd, batchFn, recommendBatches(rdd, batchFn, options));
    }

    /**
     * Applies a recommendation made earlier (e.g. by {@link #recommendBatches}, to print it first):
     * {@link #apply(JavaRDD, Recommendation)}, then {@code batchFn} on batches of
     * {@code rec.batchSize()} records inside each partition, streaming (the last, partial batch is
     * flushed).
     */
    public static <T, R> JavaRDD<R> mapBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn,
                                               Recommendation rec) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(batchFn, "batchFn");
        Objects.requireNonNull(rec, "rec");
        int batch = rec.batchSize();
        TunedRun run = claim(rec);
        if (run == null) {
            return apply(rdd, rec, null).mapPartitions(it -> new BatchingIterator<>(it, batch, batchFn));
        }
        LongAccumulator records = rdd.context().longAccumulator("amorsize.records");
        JavaRDD<R> out = apply(rdd, rec, null)
                .mapPartitions(it -> new BatchingIterator<>(new CountingIterator<>(it, records), batch, batchFn));
        TunedStageObserver.of(rdd.context()).watch(out.id(), run, records);
        return out;
    }

    /** {@link #recommendBatches(JavaRDD, Function, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Recommendation recommendBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn) {
        return recommendBatches(rdd, batchFn, SparkTuneOptions.defaults());
    }

    /**
     * The recommendation for applying the batch function {@code batchFn} to {@code rdd}: partitions
     * and batch size, from timings at several batch sizes (fixed cost per call + cost per record).
     * {@link #mapBatches(JavaRDD, Function, SparkTuneOptions)} applies it.
     */
    public static <T, R> Recommendation recommendBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn,
                                                         SparkTuneOptions options) {
        return recommendBatches(rdd, batchFn, options, null);
    }

    /** The RDD path with the input described by a Dataset's plan ({@code plan}, null: the RDD lineage). */
    static <T, R> Recommendation recommendBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn,
                                                  SparkTuneOptions options, DatasetInput plan) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(batchFn, "batchFn");
        Objects.requireNonNull(options, "options");
        return decide(rdd, batchFn, options, plan, (jsc, sample, budgets) -> {
            List<T> flat = new ArrayList<>();
            sample.groups().forEach(flat::addAll);
            return ExecutorMeasurement.measureBatches(jsc, flat, batchFn, budgets);
        });
    }

    /**
     * Applies a recommendation: KEEP → {@code rdd} itself, COALESCE → {@code coalesce(P, false)},
     * REPARTITION → {@code repartition(P)}, even when P equals the current count (the shuffle
     * spreads cost that is clustered in a few partitions).
     */
    public static <T> JavaRDD<T> apply(JavaRDD<T> rdd, Recommendation rec) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(rec, "rec");
        return apply(rdd, rec, claim(rec));
    }

    /**
     * As {@link #apply(JavaRDD, Recommendation)}; with a {@code run}, the stage that consumes the
     * result is observed ({@link TunedStageObserver}): a resized RDD passes through a record counter,
     * a kept one is watched as it is (records from the stage's input or shuffle metrics).
     */
    private static <T> JavaRDD<T> apply(JavaRDD<T> rdd, Recommendation rec, TunedRun run) {
        int p0 = rdd.getNumPartitions();
        JavaRDD<T> out;
        if (rec.action() == Action.KEEP || p0 == 0) {
            out = rdd;
        } else if (rec.action() == Action.COALESCE) {
            out = rec.partitions() < p0 ? rdd.coalesce(rec.partitions(), false) : rdd;
        } else {
            // also when the count stays: a shuffle spreads cost clustered in a few partitions
            out = rdd.repartition(rec.partitions());
        }
        if (run == null) {
            return out;
        }
        TunedStageObserver observer = TunedStageObserver.of(rdd.context());
        if (out == rdd) {
            observer.watch(out.id(), run, null);
            return out;
        }
        LongAccumulator records = rdd.context().longAccumulator("amorsize.records");
        JavaRDD<T> counted = out.mapPartitions(it -> new CountingIterator<>(it, records), true);
        observer.watch(counted.id(), run, records);
        return counted;
    }

    /** Decisions whose run can still be observed, until {@link #apply} claims them (weak: an unused one is dropped). */
    private static final Map<Recommendation, TunedRun> RUNS = new WeakHashMap<>();

    private static TunedRun claim(Recommendation rec) {
        synchronized (RUNS) {
            return RUNS.remove(rec);
        }
    }

    // ---- Datasets and DataFrames (DatasetTuning): the same meaning as the RDD methods above -------

    /** {@link #repartitionOptimal(Dataset, MapFunction, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Dataset<T> repartitionOptimal(Dataset<T> ds, MapFunction<T, R> fn) {
        return repartitionOptimal(ds, fn, SparkTuneOptions.defaults());
    }

    /**
     * Returns {@code ds} repartitioned ({@code repartition(n)}), coalesced ({@code coalesce(n)}) or
     * unchanged, as recommended for applying {@code fn} to every row; works the same for a
     * {@code Dataset<Row>}. Does not apply {@code fn}: follow with {@code .map(fn, encoder)}.
     *
     * @throws AmorsizeException only in strict mode, when tuning fails
     */
    public static <T, R> Dataset<T> repartitionOptimal(Dataset<T> ds, MapFunction<T, R> fn, SparkTuneOptions options) {
        return apply(ds, recommend(ds, fn, options));
    }

    /** {@link #recommend(Dataset, MapFunction, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Recommendation recommend(Dataset<T> ds, MapFunction<T, R> fn) {
        return recommend(ds, fn, SparkTuneOptions.defaults());
    }

    /**
     * The recommendation for applying {@code fn} to {@code ds}: a few partitions of {@code ds.rdd()}
     * are sampled and the function is timed on an executor as for an RDD; the cache key's input part
     * comes from the optimized plan, without a job. The explanation says when AQE is on and what
     * its advisory partition size would have given.
     */
    public static <T, R> Recommendation recommend(Dataset<T> ds, MapFunction<T, R> fn, SparkTuneOptions options) {
        return DatasetTuning.recommend(ds, fn, options);
    }

    /** {@link #recommendBatches(Dataset, MapFunction, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Recommendation recommendBatches(Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn) {
        return recommendBatches(ds, batchFn, SparkTuneOptions.defaults());
    }

    /** The recommendation (partitions and batch size) for applying the batch function {@code batchFn} to {@code ds}. */
    public static <T, R> Recommendation recommendBatches(Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn,
                                                         SparkTuneOptions options) {
        return DatasetTuning.recommendBatches(ds, batchFn, options);
    }

    /** {@link #mapBatches(Dataset, MapFunction, Encoder, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Dataset<R> mapBatches(Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder) {
        return mapBatches(ds, batchFn, encoder, SparkTuneOptions.defaults());
    }

    /**
     * Repartitions {@code ds} as recommended for {@code batchFn}, then applies it to batches of the
     * recommended size inside each partition through {@code mapPartitions}, streaming (the last,
     * partial batch is flushed); {@code encoder} encodes the results.
     */
    public static <T, R> Dataset<R> mapBatches(Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder,
                                               SparkTuneOptions options) {
        Objects.requireNonNull(encoder, "encoder");
        return mapBatches(ds, batchFn, encoder, recommendBatches(ds, batchFn, options));
    }

    /** Applies a recommendation made earlier: {@link #apply(Dataset, Recommendation)}, then the batches. */
    public static <T, R> Dataset<R> mapBatches(Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder,
                                               Recommendation rec) {
        return DatasetTuning.mapBatches(ds, batchFn, encoder, rec);
    }

    /**
     * Applies a recommendation to a Dataset: KEEP → {@code ds} itself, COALESCE →
     * {@code coalesce(P)} when P is smaller, REPARTITION → {@code repartition(P)}. AQE does not
     * change either (see docs/SPARK.md).
     */
    public static <T> Dataset<T> apply(Dataset<T> ds, Recommendation rec) {
        return DatasetTuning.apply(ds, rec);
    }

    /**
     * Forgets this driver's calibrated per-task overheads, so that the next decision that misses the
     * cache measures the cluster again (e.g. after dynamic allocation changed the executors).
     */
    public static void forgetCalibration() {
        OverheadCalibrator.forgetAll();
    }

    // ---------------------------------------------------------------------------------------------

    /** Runs the executor measurement for a sample. */
    @FunctionalInterface
    interface MeasureStep<T> {
        ExecutorMeasurement.Outcome run(JavaSparkContext jsc, RddSampler.Result<T> sample, ExecutorMeasurement.Budgets budgets);
    }

    private static <T> Recommendation decide(JavaRDD<T> rdd, Object fn, SparkTuneOptions options, DatasetInput plan,
                                             MeasureStep<T> step) {
        return PIPELINE.decide(new SparkEngine<>(rdd, options, plan, step), fn, options.common());
    }

    /** What Spark contributes to a decision; {@link TuningPipeline} does the rest. */
    private static final class SparkEngine<T> implements EngineAdapter {
        private final JavaRDD<T> rdd;
        private final SparkContext sc;
        private final SparkTuneOptions options;
        private final MeasureStep<T> step;
        private final DatasetInput plan;
        private final int p0;
        private KnownSizes known;

        SparkEngine(JavaRDD<T> rdd, SparkTuneOptions options, DatasetInput plan, MeasureStep<T> step) {
            this.rdd = rdd;
            this.sc = rdd.context();
            this.options = options;
            this.plan = plan;
            this.step = step;
            this.p0 = rdd.getNumPartitions();
        }

        @Override
        public int currentParallelism() {
            return p0;
        }

        @Override
        public boolean configuredStrict() {
            return "true".equalsIgnoreCase(sc.getConf().get(SparkSettings.PREFIX + Options.STRICT.key(), "false").trim());
        }

        @Override
        public Settings settings() {
            return SparkSettings.resolve(sc.getConf(), System.getenv(), Map.of());
        }

        @Override
        public Recommendation disabled(Settings settings) {
            LOG.debug("amorsize: disabled ({}enabled=false); {} partitions kept", SparkSettings.PREFIX, p0);
            return quiet(p0, "amorsize is disabled");
        }

        @Override
        public EngineInput describeInput(Settings settings) {
            if (p0 == 0) {
                LOG.info("amorsize: the RDD has no partitions; nothing to tune");
                return EngineInput.nothingToTune(quiet(1, "the RDD has no partitions"));
            }
            known = KnownSizes.of(rdd.rdd());
            if (plan != null) {
                return plan.describe(p0); // a Dataset: what its optimized plan says
            }
            if (known.totalRecords() == 0) {
                LOG.info("amorsize: {} -> {} partitions (keep): the input is empty", p0, p0);
                return EngineInput.nothingToTune(quiet(p0, "the input is empty"));
            }
            Workload knownWorkload = null;
            if (known.totalRecords() >= 0) {
                knownWorkload = Workload.exact(known.totalRecords(), known.partitions())
                        .withLargestShare(Math.min(1.0, Math.max(1.0 / known.partitions(), known.largestShare())));
            }
            return EngineInput.of(known.inputShape(), knownWorkload, List.of());
        }

        @Override
        public ClusterShape cluster(Settings settings, String fingerprint, EngineInput input, RecommendationStore store) {
            return AmorsizeSpark.cluster(JavaSparkContext.fromSparkContext(sc), settings, options, store, fingerprint,
                    input.shape());
        }

        @Override
        public Measurement measure(Settings settings, EngineInput input, Workload workload) {
            return AmorsizeSpark.measure(rdd, JavaSparkContext.fromSparkContext(sc), settings, known, step);
        }

        @Override
        public void tuned(TunedRun run) {
            synchronized (RUNS) {
                RUNS.put(run.recommendation(), run);
            }
        }
    }

    /**
     * The cluster to plan for, with its per-task overhead: remembered in this JVM, else taken from
     * a cached entry for this very key (so that a cache hit runs no job at all), else calibrated.
     */
    private static ClusterShape cluster(JavaSparkContext jsc, Settings settings, SparkTuneOptions options,
                                        RecommendationStore store, String fingerprint, InputShape input) {
        double configured = settings.get(Options.TASK_OVERHEAD).toNanos();
        ClusterShape live = SparkClusterShape.of(jsc.sc(), configured).withConfiguredCores(settings);
        ClusterShape target = options.targetCluster() != null ? options.targetCluster().withConfiguredCores(settings)
                : live;
        if (options.targetCluster() != null && target.perTaskOverheadNanos() > 0) {
            return target;
        }
        if (settings.origin(Options.TASK_OVERHEAD).explicit()) {
            return target.withPerTaskOverheadNanos(configured);
        }
        Double o = OverheadCalibrator.known(live.fingerprint());
        if (o == null) {
            try {
                Optional<CacheHit> hit = store.get(CacheKey.of(fingerprint, input, target));
                if (hit.isPresent()) {
                    o = hit.get().entry().cluster().perTaskOverheadNanos();
                }
            } catch (RuntimeException e) {
                LOG.debug("amorsize: cache peek for the task overhead failed: {}", e.toString());
            }
        }
        if (o == null) {
            o = withPhase(jsc.sc(), OverheadCalibrator.PHASE, () -> OverheadCalibrator.calibrate(jsc, live.slots()));
            LOG.debug("amorsize: calibrated per-task overhead {} us on {}", o / 1e3, live.fingerprint());
        }
        OverheadCalibrator.remember(live.fingerprint(), o);
        return target.withPerTaskOverheadNanos(o);
    }

    private static <T> Measurement measure(JavaRDD<T> rdd, JavaSparkContext jsc, Settings settings, KnownSizes known,
                                           MeasureStep<T> step) {
        int k = settings.get(Options.SAMPLE_PARTITIONS);
        int maxRecords = settings.get(Options.SAMPLE_MAX_RECORDS);
        long budget = settings.get(Options.SAMPLE_BUDGET).toNanos();
        RddSampler.Result<T> sample = withPhase(jsc.sc(), "sample",
                () -> RddSampler.sample(rdd.rdd(), known, k, maxRecords, budget, ThreadLocalRandom.current()));
        if (sample.sampledRecords() == 0) {
            throw new AmorsizeException("the sampled partitions hold no records (" + String.join("; ", sample.notes()) + ")");
        }
        ExecutorMeasurement.Outcome out = withPhase(jsc.sc(), ExecutorMeasurement.PHASE,
                () -> step.run(jsc, sample, ExecutorMeasurement.Budgets.of(settings)));
        if (out.failure() != null) {
            throw out.failure(); // the user's function threw on a sampled record: the Tuner reports it
        }
        if (out.error() != null) {
            throw new AmorsizeException("measurement on " + out.where() + " failed: " + out.error());
        }
        List<String> notes = new ArrayList<>(sample.notes());
        notes.add("measured on " + out.where() + " with warm-up");
        return new Measurement(out.profile(), sample.workload(), notes);
    }

    private static <V> V withPhase(SparkContext sc, String phase, Supplier<V> body) {
        String oldPhase = sc.getLocalProperty(JOB_PHASE_PROPERTY);
        String oldDesc = sc.getLocalProperty("spark.job.description");
        sc.setLocalProperty(JOB_PHASE_PROPERTY, phase);
        sc.setLocalProperty("spark.job.description", "amorsize: " + phase);
        try {
            return body.get();
        } finally {
            sc.setLocalProperty(JOB_PHASE_PROPERTY, oldPhase);
            sc.setLocalProperty("spark.job.description", oldDesc);
        }
    }

    private static Recommendation quiet(int p, String reason) {
        int q = Math.max(1, p);
        return new Recommendation(q, 1, Action.KEEP, q, Double.NaN, Double.NaN, List.of(), Source.DEFAULT_FALLBACK,
                "amorsize: kept " + q + " partitions: " + reason);
    }
}
