package io.amorsize;

import io.amorsize.cache.InMemoryStore;
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
import io.amorsize.sample.Sample;
import io.amorsize.sample.Sampler;
import io.amorsize.tune.EngineAdapter;
import io.amorsize.tune.EngineInput;
import io.amorsize.tune.Measurement;
import io.amorsize.tune.TuneOptions;
import io.amorsize.tune.TuningMetrics;
import io.amorsize.tune.TuningPipeline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The static entry point for the common case: configure the shared cache once, then let the engine
 * plugins (or {@link io.amorsize.tune.TuningPipeline}) use it. Mirrors the Python original's API.
 *
 * <p>Without an engine, {@link #recommend(List, RecordFunction, ClusterShape)} tunes a function
 * over an in-memory input: it samples, measures, models and recommends in this JVM, sharing
 * {@link #currentStore()} (the local file, plus Redis when configured) with the engine plugins.
 */
public final class Amorsize {

    /** Counters of the engine-free decisions of this JVM. */
    private static final TuningPipeline LOCAL = new TuningPipeline(new TuningMetrics());

    // ======================================================================================
    // Local tuning: sample, measure and recommend in this JVM (no engine).
    // ======================================================================================

    /**
     * Recommends partitions and batch size for applying {@code fn} to every record of
     * {@code input} on {@code cluster}. The list counts as one partition now; its size is the exact
     * record count. Samples (systematically over the list), measures {@code fn} on the sample, and
     * reuses a profile measured earlier for the same function, input-size bucket and cluster.
     * Never throws for a failing function outside strict mode: the recommendation then keeps one
     * partition and says why.
     *
     * @throws IllegalArgumentException when an argument is null
     */
    public static <T, R> Recommendation recommend(List<T> input, RecordFunction<T, R> fn, ClusterShape cluster) {
        requireArg(input, "input");
        requireArg(fn, "fn");
        requireArg(cluster, "cluster");
        return tuneLocally(input, input.size(), fn, cluster);
    }

    /** {@link #recommend(List, RecordFunction, ClusterShape)} on {@link #localCluster()}. */
    public static <T, R> Recommendation recommend(List<T> input, RecordFunction<T, R> fn) {
        return recommend(input, fn, localCluster());
    }

    /**
     * As {@link #recommend(List, RecordFunction, ClusterShape)} for an input read once, from the
     * front, without materialising it: {@code recordCount} is the number of records
     * {@code input} holds (exact). Only the sample is read from {@code input.iterator()}.
     *
     * @throws IllegalArgumentException when an argument is null or {@code recordCount} is negative
     */
    public static <T, R> Recommendation recommend(
            Iterable<T> input, long recordCount, RecordFunction<T, R> fn, ClusterShape cluster) {
        requireArg(input, "input");
        requireArg(fn, "fn");
        requireArg(cluster, "cluster");
        if (recordCount < 0) {
            throw new IllegalArgumentException("recordCount must be >= 0, got " + recordCount);
        }
        return tuneLocally(input, recordCount, fn, cluster);
    }

    /**
     * As {@link #recommend(List, RecordFunction, ClusterShape)} for a function applied to batches
     * of records: measures it at several batch sizes, fits fixed + per-record cost per call, and
     * recommends the batch size with the partitions.
     *
     * @throws IllegalArgumentException when an argument is null
     */
    public static <T, R> Recommendation recommendBatches(List<T> input, BatchFunction<T, R> fn, ClusterShape cluster) {
        requireArg(input, "input");
        requireArg(fn, "fn");
        requireArg(cluster, "cluster");
        Settings settings = Settings.fromEnvironment();
        long n = input.size();
        if (n == 0) {
            return Recommendation.fallback(1, "empty input: nothing to measure");
        }
        Supplier<Measurement> measure = () -> {
            Sample<T> sample = new Sampler(settings, Ticker.system()).take(input);
            Measurer measurer = DecisionStopRule.attach(
                    new Measurer(settings, Ticker.system()), settings, Workload.of(n, 1), cluster);
            Measured measured = measurer.measureBatchesWithReport(sample.records(), fn);
            return new Measurement(
                    measured.profile(),
                    Workload.of(n, 1),
                    List.of(
                            String.format(
                                    Locale.ROOT,
                                    "sampled %,d of %,d records; batch function timed at several batch sizes",
                                    sample.records().size(),
                                    n),
                            measured.report().describe()),
                    measured.report().summary());
        };
        return tune(fn, InputKind.RECORDS.shape(n, -1, 1), cluster, Workload.of(n, 1), measure, settings);
    }

    /**
     * {@link ClusterShape#local(double)} with the configured default per-task overhead
     * ({@link Options#TASK_OVERHEAD}).
     */
    public static ClusterShape localCluster() {
        return ClusterShape.local(
                Settings.fromEnvironment().get(Options.TASK_OVERHEAD).toNanos());
    }

    private static <T, R> Recommendation tuneLocally(
            Iterable<T> input, long recordCount, RecordFunction<T, R> fn, ClusterShape cluster) {
        Settings settings = Settings.fromEnvironment();
        if (recordCount == 0) {
            return Recommendation.fallback(1, "empty input: nothing to measure");
        }
        InputShape shape = InputKind.RECORDS.shape(recordCount, -1, 1);
        Supplier<Measurement> measure = () -> {
            Measurer measurer = DecisionStopRule.attach(
                    new Measurer(settings, Ticker.system()), settings, Workload.of(recordCount, 1), cluster);
            Sampler sampler = new Sampler(settings, Ticker.system());
            Sample<T> sample = sampleOf(sampler, input);
            Measured measured = measurer.measureWithReport(List.of(sample.records()), fn);
            List<String> notes = new ArrayList<>();
            notes.add(String.format(
                    Locale.ROOT,
                    "sampled %,d of %,d records in %.1f ms",
                    sample.records().size(),
                    recordCount,
                    sample.elapsedNanos() / 1e6));
            notes.add(measured.report().describe());
            return new Measurement(
                    measured.profile(),
                    Workload.of(recordCount, 1),
                    notes,
                    measured.report().summary());
        };
        return tune(fn, shape, cluster, Workload.of(recordCount, 1), measure, settings);
    }

    private static Recommendation tune(
            Object fn,
            InputShape shape,
            ClusterShape cluster,
            Workload workload,
            Supplier<Measurement> measure,
            Settings settings) {
        return LOCAL.decide(new LocalEngine(settings, shape, cluster, workload, measure), fn, TuneOptions.defaults());
    }

    /** No engine: this JVM, an input in memory (one partition). */
    private static final class LocalEngine implements EngineAdapter {
        private final Settings settings;
        private final InputShape shape;
        private final ClusterShape cluster;
        private final Workload workload;
        private final Supplier<Measurement> measure;
        private boolean shared = true;

        LocalEngine(
                Settings settings,
                InputShape shape,
                ClusterShape cluster,
                Workload workload,
                Supplier<Measurement> measure) {
            this.settings = settings;
            this.shape = shape;
            this.cluster = cluster;
            this.workload = workload;
            this.measure = measure;
        }

        @Override
        public int currentParallelism() {
            return shape.partitions();
        }

        @Override
        public Settings settings() {
            return settings;
        }

        @Override
        public String fingerprint(Object fn, TuneOptions options) {
            try {
                return options.fingerprint(fn);
            } catch (RuntimeException e) {
                // Without a stable identity nothing may be shared: tune against a throw-away store.
                shared = false;
                return "unfingerprinted";
            }
        }

        @Override
        public EngineInput describeInput(Settings s) {
            return EngineInput.of(shape, workload, List.of());
        }

        @Override
        public RecommendationStore store(Settings s) {
            // The same store and prefix the engine plugins use: the local file, plus Redis when configured.
            return shared ? currentStore() : new InMemoryStore(Source.CACHE_FILE);
        }

        @Override
        public ClusterShape cluster(Settings s, String fingerprint, EngineInput input, RecommendationStore store) {
            return cluster;
        }

        @Override
        public Measurement measure(Settings s, EngineInput input, Workload w) {
            return measure.get();
        }
    }

    private static <T> Sample<T> sampleOf(Sampler sampler, Iterable<T> input) {
        if (input instanceof List<T> list) {
            return sampler.take(list); // systematic over the whole list
        }
        Iterator<T> it = input.iterator();
        return sampler.take(it);
    }

    private static void requireArg(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    // ======================================================================================
    // (end of local tuning)
    // ======================================================================================

    private Amorsize() {}

    // ======================================================================================
    // Shared cache: Redis with a local-file fallback. See docs/CACHE.md.
    // ======================================================================================

    /**
     * Uses the Redis at {@code redisUrl} as the shared cache (other settings from the environment:
     * {@code AMORSIZE_CACHE_PREFIX}, {@code AMORSIZE_CACHE_TTL}, {@code AMORSIZE_CACHE_DIR},
     * {@code AMORSIZE_CACHE_SECRET}, or their defaults). The local file stays as the fallback.
     *
     * @param redisUrl {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or
     *                 {@code redis-cluster://} URL (see {@link io.amorsize.cache.RedisUrl})
     * @return true when Redis answered; false when it is unreachable — the local file is then used
     *         and Redis is retried after the breaker's cool-down. Never throws for an unreachable server.
     * @throws IllegalArgumentException when the URL is null or malformed (the message never shows the password)
     */
    public static boolean configureDistributedCache(String redisUrl) {
        return io.amorsize.cache.SharedStores.configure(redisUrl);
    }

    /**
     * Uses the shared cache described by {@code config} (which must have a Redis URL).
     *
     * @return true when Redis answered, false when the local-file fallback is active
     * @throws IllegalArgumentException when {@code config} is null or has no Redis URL
     */
    public static boolean configureDistributedCache(io.amorsize.cache.CacheConfig config) {
        return io.amorsize.cache.SharedStores.configure(config);
    }

    /** True when a Redis cache is configured and answers now (one bounded PING, or the breaker's answer). */
    public static boolean isDistributedCacheEnabled() {
        return io.amorsize.cache.SharedStores.isRedisEnabled();
    }

    /**
     * Keys under the prefix, server memory, version, clients and uptime (when Redis answers), and this
     * JVM's hits, misses, fallbacks, rejected entries and breaker state.
     */
    public static io.amorsize.cache.StoreStats distributedCacheStats() {
        return currentStore().stats();
    }

    /** Deletes every entry under the key prefix (SCAN + UNLINK; never FLUSHDB) and in the local file. */
    public static long clearDistributedCache() {
        return clearDistributedCache("*");
    }

    /**
     * Deletes the entries matching a Redis glob {@code pattern} inside the key prefix (a pattern not
     * starting with the prefix gets it prepended).
     */
    public static long clearDistributedCache(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern must not be null");
        }
        return currentStore().clear(pattern);
    }

    /** Stops using Redis in this JVM; the local file store remains. */
    public static void disableDistributedCache() {
        io.amorsize.cache.SharedStores.disable();
    }

    /**
     * Stores a profile for each workload without running anything, under exactly the key a later
     * look-up of {@code fn} over that input and cluster computes.
     *
     * @param fn    the user function (the same object or code a later job passes)
     * @param specs workloads: input shape, known per-record cost and sizes, cluster (null = current)
     * @return how many entries were stored
     * @throws IllegalArgumentException when an argument is null
     */
    public static int prewarmDistributedCache(Object fn, java.util.List<WorkloadSpec> specs) {
        return DistributedCache.prewarm(fn, specs);
    }

    /**
     * The store engine adapters use: {@code FallbackStore(RedisStore, FileStore)} when Redis is
     * configured (in code, or by {@code AMORSIZE_REDIS_URL}), the {@code FileStore} alone otherwise.
     */
    public static io.amorsize.cache.RecommendationStore currentStore() {
        return io.amorsize.cache.SharedStores.current();
    }

    /** The cache configuration in use (key prefix, TTL, fallback directory...); secrets masked in toString. */
    public static io.amorsize.cache.CacheConfig currentCacheConfig() {
        return io.amorsize.cache.SharedStores.currentConfig();
    }
}
