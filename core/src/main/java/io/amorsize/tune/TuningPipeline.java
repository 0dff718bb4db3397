package io.amorsize.tune;

import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Ticker;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One decision for any engine: the engine describes its input, cluster and measurement through an
 * {@link EngineAdapter}; this class owns the rest, once for every engine.
 *
 * <ol>
 *   <li>Settings: the engine's layers, then the per-call {@link TuneOptions}.</li>
 *   <li>{@link Options#ENABLED} false: the adapter's {@link EngineAdapter#disabled} decision.</li>
 *   <li>The input (nothing to tune: the adapter's decision), the function fingerprint
 *       ({@link EngineAdapter#fingerprint}, by default {@link TuneOptions#fingerprint}), the store, the cluster, the known workload.</li>
 *   <li>The {@link Tuner}: cache look-up, compute lock, measurement on a miss, the optimizer, the
 *       store write and the INFO decision line.</li>
 *   <li>Any failure: outside strict mode the engine's current partitioning
 *       ({@link Recommendation#fallback}) and exactly one WARN line; in strict mode
 *       {@link AmorsizeException}.</li>
 *   <li>The counters in {@link TuningMetrics} (decisions, hits, misses, fallbacks, tuning time).</li>
 * </ol>
 * Never throws outside strict mode (except for a {@link VirtualMachineError}). Thread-safe.
 */
public final class TuningPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(TuningPipeline.class);

    private final TuningMetrics metrics;
    private final Clock clock;
    private final Ticker ticker;
    private final Tuner.Sleeper sleeper;

    /** The system clock and ticker. */
    public TuningPipeline(TuningMetrics metrics) {
        this(metrics, Clock.systemUTC(), Ticker.system(), Tuner.Sleeper.system());
    }

    public TuningPipeline(TuningMetrics metrics, Clock clock, Ticker ticker, Tuner.Sleeper sleeper) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    public TuningMetrics metrics() {
        return metrics;
    }

    /**
     * Decides for {@code fn} on the engine behind {@code engine}.
     *
     * @param fn      the user function (fingerprinted unless {@code options} names it)
     * @param options the per-call options
     * @throws AmorsizeException in strict mode, when tuning fails
     */
    public Recommendation decide(EngineAdapter engine, Object fn, TuneOptions options) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(options, "options");
        long start = ticker.nanos();
        int current = engine.currentParallelism();
        boolean strict = options.strict() != null ? options.strict() : engine.configuredStrict();
        Recommendation rec;
        try {
            Settings settings = options.applyTo(engine.settings());
            strict = settings.get(Options.STRICT);
            if (!settings.get(Options.ENABLED)) {
                return engine.disabled(settings);
            }
            EngineInput input = engine.describeInput(settings);
            if (input.skip() != null) {
                return input.skip();
            }
            String fingerprint = engine.fingerprint(fn, options);
            RecommendationStore store = engine.store(settings);
            ClusterShape cluster = engine.cluster(settings, fingerprint, input, store);
            Workload workload = engine.workload(input, cluster);
            Tuner tuner = new Tuner(store, settings, clock, Tuner.defaultLockWait(settings), ticker, sleeper);
            Settings measureWith = settings;
            Tuner.Decided decided = tuner.decideRun(new TuningRequest(
                    fingerprint, input.shape(), cluster, workload, () -> engine.measure(measureWith, input, workload)));
            rec = decided.recommendation();
            engine.decided(rec, cluster, workload, ticker.nanos() - start);
            if (decided.run() != null) {
                try {
                    engine.tuned(decided.run());
                } catch (RuntimeException e) {
                    LOG.debug("amorsize: the run will not be observed: {}", Tuner.describe(e));
                }
            }
        } catch (Tuner.Failure f) {
            if (strict) {
                throw new AmorsizeException(engine.strictMessage(f.getMessage()), f.getCause());
            }
            rec = fallBack(engine, current, f.getMessage());
        } catch (AmorsizeException e) {
            if (strict) {
                throw e;
            }
            rec = fallBack(engine, current, String.valueOf(e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            String reason = Tuner.describe(e);
            if (strict) {
                throw new AmorsizeException(engine.strictMessage(reason), e);
            }
            rec = fallBack(engine, current, reason);
        }
        metrics.record(rec, ticker.nanos() - start);
        return rec;
    }

    private static Recommendation fallBack(EngineAdapter engine, int current, String reason) {
        Recommendation rec = Recommendation.fallback(current, reason);
        LOG.warn(engine.fallbackLine(rec.partitions(), reason));
        return rec;
    }
}
