package io.amorsize.sample;

import io.amorsize.Ticker;
import io.amorsize.config.Settings;
import java.util.Iterator;
import java.util.Objects;

/** Draws a bounded sample without materialising the input. */
public final class Sampler {

    private final Settings settings;
    private final Ticker ticker;

    public Sampler(Settings settings, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** Reads lazily from the front of {@code source}, stopping at the record cap or the time budget. */
    public <T> Sample<T> take(Iterator<T> source) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
