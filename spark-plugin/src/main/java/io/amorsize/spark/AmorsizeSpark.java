package io.amorsize.spark;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.tune.EngineAdapter;
import io.amorsize.tune.EngineInput;
import io.amorsize.tune.Measurement;
import io.amorsize.tune.TunedRun;
import io.amorsize.tune.TuningPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
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
 * On a miss one small job runs on a few random partitions only: each of its tasks reads its
 * partition's first records and times the function on them, on the executor (the records never
 * travel); the driver merges the tasks' profiles and stores the result. The per-task overhead comes
 * from the application's task-end events ({@link AmorsizeListener}), never from a job of its own. The store is
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
 * per-task overhead, sampling and measuring in one job, and applying a decision. Everything
 * else (enabled, strict, fallback, fingerprint, cache, the INFO line, {@link AmorsizeSparkMetrics})
 * is core's {@link TuningPipeline}, shared with Flink.
 */
public final class AmorsizeSpark {

    private static final Logger LOG = LoggerFactory.getLogger(AmorsizeSpark.class);
    private static final TuningPipeline PIPELINE = new TuningPipeline(AmorsizeSparkMetrics.COUNTERS);
    /** Local property set on the job Amorsize runs on a miss: "sample" (it samples and measures). */
    public static final String JOB_PHASE_PROPERTY = "amorsize.phase";

    private AmorsizeSpark() {}

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
    static <T, R> Recommendation recommend(
            JavaRDD<T> rdd, Function<T, R> fn, SparkTuneOptions options, DatasetInput plan) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        return decide(rdd, fn, options, plan, spec -> ExecutorMeasurement.records(fn, spec));
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
    public static <T, R> JavaRDD<R> mapBatches(
            JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn, SparkTuneOptions options) {
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
    public static <T, R> JavaRDD<R> mapBatches(JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn, Recommendation rec) {
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
    public static <T, R> Recommendation recommendBatches(
            JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn, SparkTuneOptions options) {
        return recommendBatches(rdd, batchFn, options, null);
    }

    /** The RDD path with the input described by a Dataset's plan ({@code plan}, null: the RDD lineage). */
    static <T, R> Recommendation recommendBatches(
            JavaRDD<T> rdd, Function<List<T>, List<R>> batchFn, SparkTuneOptions options, DatasetInput plan) {
        Objects.requireNonNull(rdd, "rdd");
        Objects.requireNonNull(batchFn, "batchFn");
        Objects.requireNonNull(options, "options");
        return decide(rdd, batchFn, options, plan, spec -> ExecutorMeasurement.batches(batchFn, spec));
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
    public static <T, R> Recommendation recommendBatches(
            Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, SparkTuneOptions options) {
        return DatasetTuning.recommendBatches(ds, batchFn, options);
    }

    /** {@link #mapBatches(Dataset, MapFunction, Encoder, SparkTuneOptions)} with no per-call options. */
    public static <T, R> Dataset<R> mapBatches(
            Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder) {
        return mapBatches(ds, batchFn, encoder, SparkTuneOptions.defaults());
    }

    /**
     * Repartitions {@code ds} as recommended for {@code batchFn}, then applies it to batches of the
     * recommended size inside each partition through {@code mapPartitions}, streaming (the last,
     * partial batch is flushed); {@code encoder} encodes the results.
     */
    public static <T, R> Dataset<R> mapBatches(
            Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder, SparkTuneOptions options) {
        Objects.requireNonNull(encoder, "encoder");
        return mapBatches(ds, batchFn, encoder, recommendBatches(ds, batchFn, options));
    }

    /** Applies a recommendation made earlier: {@link #apply(Dataset, Recommendation)}, then the batches. */
    public static <T, R> Dataset<R> mapBatches(
            Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder, Recommendation rec) {
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
     * Forgets this driver's measured per-task overheads, so that the next decision that misses the
     * cache measures the cluster again (e.g. after dynamic allocation changed the executors).
     */
    public static void forgetCalibration() {
        TaskOverheads.forgetAll();
    }

    // ---------------------------------------------------------------------------------------------

    /** The measurement probe the sampling tasks run, for a spec. */
    @FunctionalInterface
    interface ProbeFactory<T> {
        RddSampler.Probe<T> probe(ExecutorMeasurement.Spec spec);
    }

    private static <T> Recommendation decide(
            JavaRDD<T> rdd, Object fn, SparkTuneOptions options, DatasetInput plan, ProbeFactory<T> probes) {
        AmorsizeListener.of(rdd.context()); // from now on the application's task events are observed
        return PIPELINE.decide(new SparkEngine<>(rdd, options, plan, probes), fn, options.common());
    }

    private static final String CLUSTER_FINGERPRINT = "amorsize-cluster";

    /** The key under which the shared store holds a cluster's per-task overhead. */
    static CacheKey clusterKey(ClusterShape live) {
        return new CacheKey(CLUSTER_FINGERPRINT, "task-overhead", live.fingerprint());
    }

    /** The one job of a miss: its sample, how long it took, and its tasks' overheads as the listener saw them. */
    private record SampleJob(RddSampler.Result result, long nanos, TaskOverheads.Pending overheads) {}

    /** What Spark contributes to a decision; {@link TuningPipeline} does the rest. */
    private static final class SparkEngine<T> implements EngineAdapter {
        private final JavaRDD<T> rdd;
        private final SparkContext sc;
        private final SparkTuneOptions options;
        private final ProbeFactory<T> probes;
        private final DatasetInput plan;
        private final int p0;
        private KnownSizes known;
        private ClusterShape cluster;
        /** The sampling job when it ran early (to learn the overhead and cores before the decision). */
        private SampleJob early;
        /** Where the per-task overhead came from, for the explanation. */
        private String overheadFrom = "configured";

        SparkEngine(JavaRDD<T> rdd, SparkTuneOptions options, DatasetInput plan, ProbeFactory<T> probes) {
            this.rdd = rdd;
            this.sc = rdd.context();
            this.options = options;
            this.plan = plan;
            this.probes = probes;
            this.p0 = rdd.getNumPartitions();
        }

        @Override
        public int currentParallelism() {
            return p0;
        }

        @Override
        public boolean configuredStrict() {
            return "true"
                    .equalsIgnoreCase(sc.getConf()
                            .get(SparkSettings.PREFIX + Options.STRICT.key(), "false")
                            .trim());
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
            return EngineInput.of(known.inputShape(), knownWorkload(known), List.of());
        }

        /**
         * The cluster to plan for, with its per-task overhead: an explicit setting; else remembered in
         * this JVM; else from a cached entry for this very key (so that a hit runs no job at all); else
         * from the shared store's per-cluster entry (another driver measured it); else from the task
         * events of jobs this application already ran; else from the sampling job itself, run now
         * (it is the miss's one job, and its tasks also report the executors' processors).
         */
        @Override
        public ClusterShape cluster(
                Settings settings, String fingerprint, EngineInput input, RecommendationStore store) {
            double configured = settings.get(Options.TASK_OVERHEAD).toNanos();
            ClusterShape live = SparkClusterShape.of(sc, configured);
            boolean coresSet = settings.get(Options.CLUSTER_CORES) > 0;
            ClusterShape target = options.targetCluster() != null ? options.targetCluster() : live;
            if (options.targetCluster() != null && target.perTaskOverheadNanos() > 0) {
                overheadFrom = "per-task overhead of the target cluster";
                return cluster = target.withConfiguredCores(settings);
            }
            if (settings.origin(Options.TASK_OVERHEAD).explicit()) {
                overheadFrom = "per-task overhead " + settings.get(Options.TASK_OVERHEAD) + ", from the settings";
                return cluster = target.withConfiguredCores(settings).withPerTaskOverheadNanos(configured);
            }
            TaskOverheads.Known k = TaskOverheads.known(live.fingerprint());
            String from = "this driver's earlier decisions";
            if (k == null) {
                try {
                    Optional<CacheHit> hit = store.get(CacheKey.of(fingerprint, input.shape(), target));
                    if (hit.isPresent()) {
                        k = new TaskOverheads.Known(hit.get().entry().cluster().perTaskOverheadNanos(), -1);
                        from = "the cached entry";
                    }
                } catch (RuntimeException e) {
                    LOG.debug("amorsize: cache peek for the task overhead failed: {}", e.toString());
                }
            }
            if (k == null && !TaskOverheads.forgotten()) {
                k = readCluster(store, live);
                from = "the shared store (measured by a driver on this cluster)";
            }
            if (k == null) {
                List<Double> seen = AmorsizeListener.of(sc).overheads().recent();
                if (seen.size() >= TaskOverheads.ENOUGH_TASKS) {
                    k = new TaskOverheads.Known(TaskOverheads.estimate(seen), -1);
                    from = seen.size() + " tasks the application ran";
                    writeCluster(store, live, k);
                }
            }
            if (k == null) {
                // the miss's one job, run before the decision: its tasks show the overhead and the cores
                early = sampleJob(settings, live.withConfiguredCores(settings));
                k = fromJob(early);
                if (k != null) {
                    from = "the sampling job's " + early.result().parts().size() + " tasks";
                    writeCluster(store, live, k);
                } else {
                    // only fresh executors' first tasks (one-off costs): the default now, measured next time
                    k = new TaskOverheads.Known(configured, early.result().executorProcessors());
                    from = "the default (the sampling job ran only first tasks of fresh executors)";
                }
            }
            if (!from.startsWith("the default")) {
                TaskOverheads.remember(live.fingerprint(), k);
            }
            overheadFrom =
                    String.format(Locale.ROOT, "per-task overhead %.2f ms, from %s", k.overheadNanos() / 1e6, from);
            LOG.debug(
                    "amorsize: per-task overhead {} us on {} (from {})",
                    k.overheadNanos() / 1e3,
                    live.fingerprint(),
                    from);
            ClusterShape shaped = coresSet || options.targetCluster() != null
                    ? target
                    : SparkClusterShape.withExecutorProcessors(target, sc, k.executorProcessors());
            return cluster = shaped.withConfiguredCores(settings).withPerTaskOverheadNanos(k.overheadNanos());
        }

        @Override
        public Measurement measure(Settings settings, EngineInput input, Workload workload) {
            SampleJob job = early != null ? early : sampleJob(settings, cluster);
            early = null;
            int processors = job.result().executorProcessors();
            if (processors > 0) {
                String fp = SparkClusterShape.of(sc, 0).fingerprint();
                TaskOverheads.Known k = TaskOverheads.known(fp);
                if (k != null && k.executorProcessors() <= 0) {
                    TaskOverheads.remember(fp, new TaskOverheads.Known(k.overheadNanos(), processors));
                }
            }
            return AmorsizeSpark.measurement(job, overheadFrom);
        }

        @Override
        public void tuned(TunedRun run) {
            synchronized (RUNS) {
                RUNS.put(run.recommendation(), run);
            }
        }

        /** Runs the one sampling job (the function is timed inside its tasks). */
        private SampleJob sampleJob(Settings settings, ClusterShape provisional) {
            int k = settings.get(Options.SAMPLE_PARTITIONS);
            int maxRecords = settings.get(Options.SAMPLE_MAX_RECORDS);
            long budget = settings.get(Options.SAMPLE_BUDGET).toNanos();
            ExecutorMeasurement.Spec spec =
                    ExecutorMeasurement.Spec.of(settings, provisional, knownWorkload(known), known);
            RddSampler.Probe<T> probe = probes.probe(spec);
            String token = UUID.randomUUID().toString();
            TaskOverheads.Pending pending = AmorsizeListener.of(sc).overheads().expect(token);
            long t0 = System.nanoTime();
            RddSampler.Result r = withPhase(
                    sc,
                    ExecutorMeasurement.PHASE,
                    token,
                    () -> RddSampler.sample(
                            rdd.rdd(),
                            known,
                            k,
                            maxRecords,
                            budget,
                            ThreadLocalRandom.current(),
                            RddSampler.TaskTicker.SYSTEM,
                            probe));
            return new SampleJob(r, System.nanoTime() - t0, pending);
        }
    }

    private static Workload knownWorkload(KnownSizes known) {
        if (known.totalRecords() < 0) {
            return null;
        }
        return Workload.exact(known.totalRecords(), known.partitions())
                .withLargestShare(Math.min(1.0, Math.max(1.0 / known.partitions(), known.largestShare())));
    }

    /** How long to wait for the listener bus to deliver the sampling job's task-end events. */
    private static final long EVENTS_WAIT_MILLIS = 5_000;

    /** The overhead from the sampling job's task-end events, or null when they show none. */
    private static TaskOverheads.Known fromJob(SampleJob job) {
        int processors = job.result().executorProcessors();
        try {
            List<Double> samples = job.overheads().done.get(EVENTS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (!samples.isEmpty()) {
                TaskOverheads.measuredAgain();
                return new TaskOverheads.Known(TaskOverheads.estimate(samples), processors);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("amorsize: the sampling job's task events did not arrive: {}", e.toString());
        }
        return null;
    }

    /** The per-cluster overhead another driver stored, or null. */
    static TaskOverheads.Known readCluster(RecommendationStore store, ClusterShape live) {
        try {
            Optional<CacheHit> hit = store.get(clusterKey(live));
            if (hit.isPresent()) {
                ClusterShape c = hit.get().entry().cluster();
                return new TaskOverheads.Known(c.perTaskOverheadNanos(), c.cores() == c.slots() ? -1 : c.cores());
            }
        } catch (RuntimeException e) {
            LOG.debug("amorsize: could not read the cluster's task overhead: {}", e.toString());
        }
        return null;
    }

    /**
     * Stores a cluster's per-task overhead as an entry under {@link #clusterKey} (same TTL, signing
     * and validation as every entry; its profile and decision are placeholders). The entry's cores
     * carry the executors' processors when they were reported.
     */
    static void writeCluster(RecommendationStore store, ClusterShape live, TaskOverheads.Known k) {
        try {
            ClusterShape c = live.withPerTaskOverheadNanos(k.overheadNanos());
            if (k.executorProcessors() > 0) {
                c = c.withCores(Math.max(1, Math.min(ClusterShape.MAX_CORES, k.executorProcessors())));
            }
            CacheKey key = clusterKey(live);
            store.put(
                    key,
                    new CacheEntry(
                            EntryFormat.SCHEMA_VERSION,
                            key,
                            CostProfile.of(1, 0, CostProfile.Sizes.unknown()),
                            c,
                            Workload.exact(1, 1),
                            1,
                            1,
                            Action.KEEP,
                            System.currentTimeMillis()));
            TaskOverheads.measuredAgain();
        } catch (RuntimeException e) {
            LOG.debug("amorsize: could not store the cluster's task overhead: {}", e.toString(), e);
        }
    }

    /** The decision's measurement from the sampling job: merged profile, workload, notes and the spend line. */
    private static Measurement measurement(SampleJob job, String overheadLine) {
        RddSampler.Result sample = job.result();
        if (sample.sampledRecords() == 0) {
            throw new AmorsizeException(
                    "the sampled partitions hold no records (" + String.join("; ", sample.notes()) + ")");
        }
        List<ExecutorMeasurement.Outcome> outs = ExecutorMeasurement.outcomes(sample);
        List<CostProfile> profiles = new ArrayList<>();
        long records = 0;
        for (ExecutorMeasurement.Outcome o : outs) {
            if (o.failure() != null) {
                throw o.failure(); // the user's function threw on a sampled record: the Tuner reports it
            }
            if (o.error() != null) {
                throw new AmorsizeException("measurement on " + o.where() + " failed: " + o.error());
            }
            profiles.add(o.profile());
            records += o.report() == null ? 0 : o.report().records();
        }
        CostProfile profile = ExecutorMeasurement.merge(profiles);
        String spend = String.format(
                Locale.ROOT,
                "measured %,d record%s in %d task%s, %d ms; stopped: %s",
                records,
                records == 1 ? "" : "s",
                outs.size(),
                outs.size() == 1 ? "" : "s",
                job.nanos() / 1_000_000,
                ExecutorMeasurement.stops(outs));
        List<String> notes = new ArrayList<>(sample.notes());
        long executors = sample.distinctExecutors();
        notes.add(spend + " (one job; the function timed with warm-up in the sampling tasks on " + executors
                + " executor" + (executors == 1 ? "" : "s") + ")");
        notes.add(overheadLine);
        int shown = 0;
        for (ExecutorMeasurement.Outcome o : outs) {
            if (o.report() != null && shown++ < 4) {
                notes.add("task on " + o.where() + ": " + o.report().describe());
            }
        }
        return new Measurement(profile, sample.workload(), notes, spend);
    }

    private static <V> V withPhase(SparkContext sc, String phase, String token, Supplier<V> body) {
        String oldPhase = sc.getLocalProperty(JOB_PHASE_PROPERTY);
        String oldDesc = sc.getLocalProperty("spark.job.description");
        String oldToken = sc.getLocalProperty(TaskOverheads.TOKEN_PROPERTY);
        sc.setLocalProperty(JOB_PHASE_PROPERTY, phase);
        sc.setLocalProperty("spark.job.description", "amorsize: " + phase);
        sc.setLocalProperty(TaskOverheads.TOKEN_PROPERTY, token);
        try {
            return body.get();
        } finally {
            sc.setLocalProperty(JOB_PHASE_PROPERTY, oldPhase);
            sc.setLocalProperty("spark.job.description", oldDesc);
            sc.setLocalProperty(TaskOverheads.TOKEN_PROPERTY, oldToken);
        }
    }

    private static Recommendation quiet(int p, String reason) {
        int q = Math.max(1, p);
        return new Recommendation(
                q,
                1,
                Action.KEEP,
                q,
                Double.NaN,
                Double.NaN,
                List.of(),
                Source.DEFAULT_FALLBACK,
                "amorsize: kept " + q + " partitions: " + reason);
    }
}
