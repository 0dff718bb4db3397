package io.amorsize.tune;

import io.amorsize.Recommendation;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.SharedStores;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an engine contributes to one decision; {@link TuningPipeline} does everything else (enabled,
 * strict mode, the fallback and its one WARN line, the function fingerprint, the cache look-up and
 * store, the compute lock, the INFO decision line and the counters). An adapter is made for one
 * call (it holds that call's dataset, environment and function) and is used by one thread.
 *
 * <p>The pipeline calls, in this order, each at most once: {@link #currentParallelism()},
 * {@link #configuredStrict()}, {@link #settings()}, {@link #describeInput(Settings)},
 * {@link #fingerprint}, {@link #store(Settings)}, {@link #cluster}, {@link #workload}, and only on a cache miss
 * {@link #measure}. Any of them may throw: outside strict mode that is a fallback to
 * {@link #currentParallelism()} with one WARN line.
 *
 * <p><b>Applying a decision</b> is not part of this interface: it stays in each facade
 * ({@code AmorsizeSpark.apply(JavaRDD, Recommendation)}, {@code AmorsizeFlink.apply(operator,
 * Recommendation)}). The result type follows the engine's own dataset type ({@code JavaRDD<T>},
 * {@code SingleOutputStreamOperator<T>}), which would make this interface and the pipeline generic
 * in a type they never use; a decision is a plain {@link Recommendation} the facade applies.
 */
public interface EngineAdapter {

    /** The engine's own partitioning (partitions, parallelism), kept on a fallback. Cheap; must not throw. */
    int currentParallelism();

    /**
     * Strict mode as configured in the engine, read before {@link #settings()} so that a bad
     * configuration throws in strict mode too. A per-call {@link TuneOptions#strict()} wins.
     */
    default boolean configuredStrict() {
        return false;
    }

    /**
     * This call's settings from the engine's layers: its configuration and the environment (the
     * pipeline applies the per-call options on top).
     *
     * @throws IllegalArgumentException for a bad value or an unknown key (the message names the key)
     */
    Settings settings();

    /**
     * The decision when {@link Options#ENABLED} is false: nothing is measured or looked up. The default
     * keeps {@link #currentParallelism()} and logs one INFO line.
     */
    default Recommendation disabled(Settings settings) {
        Logger log = LoggerFactory.getLogger(TuningPipeline.class);
        log.info(
                "amorsize: tuning disabled ({}=false); keeping {} partitions",
                Options.ENABLED.key(),
                currentParallelism());
        return Recommendation.fallback(currentParallelism(), "disabled");
    }

    /**
     * The function's part of the cache key. The default is {@link TuneOptions#fingerprint(Object)}
     * (the explicit id and version, else the function's code and captured values); a function that
     * cannot be fingerprinted throws, which is a fallback.
     */
    default String fingerprint(Object fn, TuneOptions options) {
        return options.fingerprint(fn);
    }

    /**
     * The input as known without running a job: the cache key's input shape, the workload if it is
     * known, lines for the explanation; or {@link EngineInput#nothingToTune} (e.g. an empty input),
     * in which case the adapter logs its own line.
     */
    EngineInput describeInput(Settings settings);

    /**
     * The store for these settings; it renders every key under its own prefix. The default is
     * {@link SharedStores#forSettings(Settings)}, the one store factory every engine shares.
     */
    default RecommendationStore store(Settings settings) {
        return SharedStores.forSettings(settings);
    }

    /**
     * The cluster to plan for, with its per-task overhead. May look at the store (e.g. for an
     * overhead measured with the entry of this very key, so that a hit runs no engine job).
     *
     * @param settings            the settings of {@link #store(Settings)}
     * @param functionFingerprint the function's part of the cache key
     */
    ClusterShape cluster(Settings settings, String functionFingerprint, EngineInput input, RecommendationStore store);

    /**
     * The workload to plan for when it is known without a job, or null (then a hit scales the cached
     * one and a miss takes the measured one). The default is {@link EngineInput#knownWorkload()}.
     */
    default Workload workload(EngineInput input, ClusterShape cluster) {
        return input.knownWorkload();
    }

    /**
     * Samples and measures the function (may run an engine job); called on a cache miss only.
     *
     * @param workload what {@link #workload} returned (null when unknown)
     */
    Measurement measure(Settings settings, EngineInput input, Workload workload);

    /** The WARN line of a fallback: which partitioning is kept and why. */
    default String fallbackLine(int kept, String reason) {
        return "amorsize: tuning failed, keeping " + kept + " partitions: " + reason;
    }

    /** The message of the {@link io.amorsize.AmorsizeException} strict mode throws. */
    default String strictMessage(String reason) {
        return "amorsize: tuning failed: " + reason;
    }

    /** Called after a decision (not a fallback), e.g. to log engine context at DEBUG. */
    default void decided(Recommendation rec, ClusterShape cluster, Workload workload, long elapsedNanos) {}

    /**
     * Called after a decision that can learn from its run (feedback on, a cache entry behind it): the
     * engine observes the run it shapes and reports it through {@link TunedRun#observed}. The default
     * observes nothing.
     */
    default void tuned(TunedRun run) {}
}
