package io.amorsize.tune;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.ComputeLock;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.key.InputShape;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.FunctionFailedException;
import io.amorsize.model.CostModel;
import io.amorsize.model.Feedback;
import io.amorsize.model.Observation;
import io.amorsize.model.Prediction;
import io.amorsize.model.Workload;
import io.amorsize.recommend.Optimizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline: key → cache look-up → (on a miss) sample and measure → model → recommend → store.
 * Engine adapters call {@link #tune(TuningRequest)}; it never throws outside strict mode.
 *
 * <ul>
 *   <li><b>Hit</b>: the cached profile is re-optimised for this request's workload (or the cached
 *       workload scaled to this input's partitions) and cluster; nothing is measured.</li>
 *   <li><b>Miss</b>: take the store's compute lock; if another driver holds it, wait for its entry
 *       (at most the lock wait, by default twice the sample and measure budgets), then measure
 *       anyway. Measure once, optimise, store the profile (a failed write is a WARN, not a
 *       failure).</li>
 *   <li><b>Failure</b> (the function throws, the measurement fails, anything unexpected): the
 *       engine's own partitioning ({@link Recommendation#fallback(int, String)}) and one WARN
 *       line, or {@link AmorsizeException} with {@link Options#STRICT}.</li>
 * </ul>
 * Every decision logs one INFO line with its numbers. A store that cannot be reached is a miss.
 * Thread-safe if the store is. Time comes from the injected {@link Ticker} (elapsed time, the lock
 * wait's deadline), {@link Sleeper} (the pause between polls) and {@link Clock} (the entry's
 * creation time), so a test with a fake clock never sleeps.
 *
 * <p>Engines (Spark, Flink and {@code Amorsize}'s engine-free path) go through
 * {@link TuningPipeline}, which owns strict mode and the fallback; {@link #tune(TuningRequest)}
 * applies the same rule for callers that use the Tuner alone.
 */
public final class Tuner {

    private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);
    private static final long POLL_MIN_NANOS = 5_000_000L;
    private static final long POLL_MAX_NANOS = 100_000_000L;

    private final RecommendationStore store;
    private final Settings settings;
    private final Clock clock;
    private final Duration lockWait;
    private final Ticker ticker;
    private final Sleeper sleeper;
    private final Optimizer optimizer;

    /** Pauses the calling thread; injectable so a test with a fake {@link Ticker} advances time instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;

        /** {@link Thread#sleep(long)}, at least one millisecond. */
        static Sleeper system() {
            return nanos -> Thread.sleep(Math.max(1, nanos / 1_000_000L));
        }
    }

    public Tuner(RecommendationStore store, Settings settings, Clock clock) {
        this(store, settings, clock, defaultLockWait(settings));
    }

    /**
     * @param lockWait longest wait for another driver's measurement of the same key before
     *                 measuring anyway
     */
    public Tuner(RecommendationStore store, Settings settings, Clock clock, Duration lockWait) {
        this(store, settings, clock, lockWait, Ticker.system(), Sleeper.system());
    }

    /**
     * @param ticker  elapsed time (decision time, the lock wait's deadline)
     * @param sleeper the pause between polls for another driver's entry
     */
    public Tuner(
            RecommendationStore store,
            Settings settings,
            Clock clock,
            Duration lockWait,
            Ticker ticker,
            Sleeper sleeper) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("lockWait must not be negative, got " + lockWait);
        }
        this.optimizer = new Optimizer(settings);
    }

    /** Twice the time a measurement may take: sample budget + measure budget. */
    static Duration defaultLockWait(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        return settings.get(Options.SAMPLE_BUDGET)
                .plus(settings.get(Options.MEASURE_BUDGET))
                .multipliedBy(2);
    }

    /**
     * Answers one tuning request. Outside strict mode any failure yields
     * {@link Recommendation#fallback(int, String)} and one WARN line.
     *
     * @throws IllegalArgumentException when {@code request} is null
     * @throws AmorsizeException        in strict mode, when tuning fails
     */
    public Recommendation tune(TuningRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        InputShape input = request.input();
        if (!settings.get(Options.ENABLED)) {
            Recommendation r = Recommendation.fallback(input.partitions(), "disabled");
            LOG.info(
                    "amorsize: tuning disabled ({}=false); keeping {} partitions",
                    Options.ENABLED.key(),
                    input.partitions());
            return r;
        }
        try {
            return decide(request);
        } catch (Failure f) {
            if (settings.get(Options.STRICT)) {
                throw new AmorsizeException("amorsize: tuning failed: " + f.getMessage(), f.getCause());
            }
            LOG.warn("amorsize: tuning failed, keeping {} partitions: {}", input.partitions(), f.getMessage());
            return Recommendation.fallback(input.partitions(), f.getMessage());
        }
    }

    /**
     * A tuning step failed: the message is the reason (for the WARN line and the recommendation's
     * warning), the cause what was thrown. The caller decides between fallback and strict mode.
     */
    static final class Failure extends RuntimeException {
        Failure(String reason, Throwable cause) {
            super(reason, cause, false, false);
        }
    }

    /**
     * The decision without the failure policy (no enabled check, no strict mode, no WARN line):
     * {@link TuningPipeline} applies those once, for every engine.
     *
     * @throws Failure when a step fails
     */
    Recommendation decide(TuningRequest request) {
        return decideRun(request).recommendation();
    }

    /** A decision and, when feedback is on and the decision has a cache entry, its {@link TunedRun} (else null). */
    record Decided(Recommendation recommendation, TunedRun run) {}

    /** As {@link #decide}, with the run ticket. */
    Decided decideRun(TuningRequest request) {
        long start = ticker.nanos();
        InputShape input = request.input();
        CacheKey key;
        try {
            key = CacheKey.of(request.functionFingerprint(), input, request.cluster());
        } catch (RuntimeException e) {
            throw fail("cannot build the cache key: " + describe(e), e);
        }

        Optional<CacheHit> hit = lookUp(key);
        if (hit.isPresent()) {
            try {
                return fromHit(request, key, hit.get(), start);
            } catch (RuntimeException e) {
                LOG.debug("amorsize: cached entry under {} unusable, measuring", key, e);
            }
        }

        Optional<ComputeLock> lock = tryLock(key);
        try {
            // Without the lock, another driver is measuring: wait for its entry. With a real lock,
            // look once more: a driver may have stored the entry and released the lock between our
            // miss and our lock.
            Optional<CacheHit> late = lock.isEmpty()
                    ? waitForEntry(key)
                    : lock.get() == ComputeLock.NONE ? Optional.empty() : lookUp(key);
            if (late.isPresent()) {
                try {
                    return fromHit(request, key, late.get(), start);
                } catch (RuntimeException e) {
                    LOG.debug("amorsize: cached entry under {} unusable, measuring", key, e);
                }
            }
            return computeAndStore(request, key, start);
        } finally {
            lock.ifPresent(ComputeLock::close);
        }
    }

    private Decided fromHit(TuningRequest request, CacheKey key, CacheHit hit, long start) {
        CacheEntry entry = hit.entry();
        boolean feedbackOn = settings.get(Options.FEEDBACK_ENABLED);
        Feedback fb = feedbackOn ? Feedback.of(entry.history()) : Feedback.none();
        Workload workload = fb.correct(
                request.knownWorkload() != null
                        ? request.knownWorkload()
                        : scale(fb.correct(entry.workload()), request.input()));
        CostProfile profile = fb.correct(entry.profile());
        List<String> notes = new ArrayList<>();
        notes.add("profile from the " + (hit.source() == Source.CACHE_FILE ? "local cache file" : "shared cache")
                + ", measured " + Instant.ofEpochMilli(entry.createdAtMillis()) + " on "
                + entry.cluster().fingerprint()
                + "; decision re-derived for this input and cluster");
        if (request.knownWorkload() == null) {
            notes.add(String.format(
                    Locale.ROOT,
                    "record count scaled from the cached input (%,d records in %,d partitions)",
                    entry.workload().records(),
                    entry.workload().currentPartitions()));
        }
        if (fb.any()) {
            notes.add(fb.describe());
        }
        Recommendation r =
                optimizer.optimize(profile, workload, request.cluster(), notes).withSource(hit.source());
        if (fb.any()) {
            r = hysteresis(r, fb.last(), profile, workload, request);
        }
        String how = (hit.source() == Source.CACHE_FILE ? "file hit" : "redis hit")
                + (fb.any() ? ", corrected by " + fb.runs() + (fb.runs() == 1 ? " run" : " runs") : "");
        logDecision(r, how, start);
        return new Decided(r, feedbackOn ? new TunedRun(store, key, r, fb.runs(), clock) : null);
    }

    /**
     * Keeps the configuration of the last run when that run was itself decided from observations and
     * the new pick is not predicted faster by the do-no-harm factor ({@link Options#SPEEDUP_THRESHOLD}):
     * repeated runs of one job converge instead of flipping between two counts.
     */
    private Recommendation hysteresis(
            Recommendation r, Observation last, CostProfile profile, Workload workload, TuningRequest request) {
        if (last.correctedBy() == 0
                || (last.partitions() == r.partitions() && last.action() == r.action())
                || !(r.predictedNanos() > 0)) {
            return r;
        }
        if (last.action() == Action.KEEP && last.partitions() != workload.currentPartitions()) {
            return r;
        }
        Prediction incumbent;
        try {
            incumbent = CostModel.from(settings)
                    .predict(
                            profile,
                            workload,
                            request.cluster(),
                            last.action(),
                            last.partitions(),
                            Math.max(1, last.batchSize()));
        } catch (RuntimeException e) {
            return r;
        }
        double threshold = settings.get(Options.SPEEDUP_THRESHOLD);
        if (!incumbent.fitsMemory() || incumbent.makespanNanos() >= r.predictedNanos() * threshold) {
            return r;
        }
        String line = String.format(
                Locale.ROOT,
                "feedback: kept the last run's %s %d partitions (predicted %.3f s): the new pick %s %d (%.3f s) is not %.2fx faster",
                last.action(),
                last.partitions(),
                incumbent.makespanNanos() / 1e9,
                r.action(),
                r.partitions(),
                r.predictedNanos() / 1e9,
                threshold);
        return new Recommendation(
                last.partitions(),
                Math.max(1, last.batchSize()),
                last.action(),
                r.currentPartitions(),
                incumbent.makespanNanos(),
                r.currentNanos(),
                r.warnings(),
                r.source(),
                r.explanation() + "\n" + line);
    }

    /**
     * The cached workload moved to this input: its records per partition × this input's partitions
     * (or this input's known record count), keeping the estimate flag.
     */
    static Workload scale(Workload cached, InputShape input) {
        int p = input.partitions();
        Workload.RecordCount count;
        if (input.knownRecords() >= 0) {
            count = Workload.RecordCount.exact(input.knownRecords());
        } else {
            double perPartition = (double) cached.records() / cached.currentPartitions();
            long records = (long) Math.min(Long.MAX_VALUE / 2, Math.round(perPartition * p));
            count = new Workload.RecordCount(records, cached.recordsExact(), cached.relativeError());
        }
        double share = Math.min(1.0, cached.largestPartitionShare() * cached.currentPartitions() / p);
        share = Math.max(share, 1.0 / p);
        return new Workload(count, new Workload.Partitions(p, share), cached.limits());
    }

    private Decided computeAndStore(TuningRequest request, CacheKey key, long start) {
        InputShape input = request.input();
        Measurement m;
        try {
            m = request.measure().get();
            if (m == null) {
                throw new IllegalStateException("the measurement returned null");
            }
        } catch (FunctionFailedException e) {
            throw fail(e.getMessage(), e);
        } catch (RuntimeException e) {
            FunctionFailedException ffe = functionFailure(e);
            if (ffe != null) {
                throw fail(ffe.getMessage(), e);
            }
            throw fail("measurement failed: " + describe(e), e);
        } catch (Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            throw fail("measurement failed: " + describe(e), e);
        }
        Workload workload = request.knownWorkload() != null ? request.knownWorkload() : m.workload();
        Recommendation r;
        try {
            r = optimizer.optimize(m.profile(), workload, request.cluster(), m.notes());
        } catch (RuntimeException e) {
            throw fail("optimizer failed: " + describe(e), e);
        }
        boolean stored = false;
        try {
            CacheEntry entry = new CacheEntry(
                    EntryFormat.SCHEMA_VERSION,
                    key,
                    m.profile(),
                    request.cluster(),
                    workload,
                    r.partitions(),
                    r.batchSize(),
                    r.action(),
                    Math.max(0, clock.millis()));
            store.put(key, entry);
            stored = true;
        } catch (RuntimeException e) {
            LOG.warn("amorsize: could not store the measured profile ({}); the recommendation stands", describe(e));
        }
        logDecision(r, "measured", start, m.spend());
        return new Decided(
                r, stored && settings.get(Options.FEEDBACK_ENABLED) ? new TunedRun(store, key, r, 0, clock) : null);
    }

    /** The function failure somewhere in the cause chain (engines wrap it in their own exceptions). */
    private static FunctionFailedException functionFailure(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof FunctionFailedException f) {
                return f;
            }
        }
        return null;
    }

    private Optional<CacheHit> lookUp(CacheKey key) {
        try {
            Optional<CacheHit> hit = store.get(key);
            return hit == null ? Optional.empty() : hit;
        } catch (RuntimeException e) {
            LOG.warn("amorsize: cache unavailable ({}); measuring instead", describe(e));
            return Optional.empty();
        }
    }

    private Optional<ComputeLock> tryLock(CacheKey key) {
        try {
            Optional<ComputeLock> lock = store.tryLock(key, lockWait.plusSeconds(1));
            return lock == null ? Optional.of(ComputeLock.NONE) : lock;
        } catch (RuntimeException e) {
            LOG.debug("amorsize: compute lock unavailable ({}); measuring without it", describe(e));
            return Optional.of(ComputeLock.NONE);
        }
    }

    /** Polls the store while another holder measures, up to {@link #lockWait}. */
    private Optional<CacheHit> waitForEntry(CacheKey key) {
        long deadline = ticker.nanos() + lockWait.toNanos();
        long pause = POLL_MIN_NANOS;
        while (true) {
            long left = deadline - ticker.nanos();
            if (left <= 0) {
                LOG.debug("amorsize: waited {} for another driver's measurement of {}; measuring here", lockWait, key);
                return Optional.empty();
            }
            try {
                sleeper.sleep(Math.min(pause, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            pause = Math.min(POLL_MAX_NANOS, pause * 2);
            try {
                Optional<CacheHit> hit = store.get(key);
                if (hit != null && hit.isPresent()) {
                    return hit;
                }
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private static Failure fail(String reason, Throwable cause) {
        return new Failure(reason, cause);
    }

    private void logDecision(Recommendation r, String how, long start) {
        logDecision(r, how, start, null);
    }

    private void logDecision(Recommendation r, String how, long start, String spend) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        double ms = (ticker.nanos() - start) / 1e6;
        LOG.info(String.format(
                Locale.ROOT,
                "amorsize: %d -> %d partitions (%s), batch %d (%s, %.1f ms); predicted %s -> %s%s%s",
                r.currentPartitions(),
                r.partitions(),
                r.action(),
                r.batchSize(),
                how,
                ms,
                seconds(r.currentNanos()),
                seconds(r.predictedNanos()),
                spend == null || spend.isBlank() ? "" : "; " + spend,
                r.warnings().isEmpty() ? "" : "; " + r.warnings().size() + " warning(s), see explain()"));
    }

    private static String seconds(double nanos) {
        if (!Double.isFinite(nanos)) {
            return "?";
        }
        if (nanos < 1e6) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1e9) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
