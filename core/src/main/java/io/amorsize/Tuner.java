package io.amorsize;

import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;
import java.time.Clock;
import java.util.Objects;

/**
 * The pipeline: key → cache look-up → (on a miss) sample and measure → model → recommend → store.
 * Engine adapters call {@link #tune(TuningRequest)}; it never throws outside strict mode.
 */
public final class Tuner {

    private final RecommendationStore store;
    private final Settings settings;
    private final Clock clock;

    public Tuner(RecommendationStore store, Settings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Answers one tuning request. Outside strict mode any failure yields
     * {@link Recommendation#fallback(int, String)} and one WARN line.
     */
    public Recommendation tune(TuningRequest request) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
