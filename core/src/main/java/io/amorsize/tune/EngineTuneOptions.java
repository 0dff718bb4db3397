package io.amorsize.tune;

import java.util.Objects;

/**
 * The base of every engine's per-call options ({@code SparkTuneOptions}, {@code FlinkTuneOptions}):
 * the options all engines share ({@link TuneOptions}) and their accessors, written once. Built by a
 * {@link TuneOptions.EngineBuilder}. Immutable.
 */
public abstract class EngineTuneOptions {

    private final TuneOptions common;

    protected EngineTuneOptions(TuneOptions common) {
        this.common = Objects.requireNonNull(common, "common");
    }

    /** The options every engine shares. */
    public final TuneOptions common() {
        return common;
    }

    /** Explicit function id, or null to fingerprint the function's code and captured values. */
    public final String functionId() {
        return common.functionId();
    }

    /** Version paired with {@link #functionId()}, or null. */
    public final String functionVersion() {
        return common.functionVersion();
    }

    /** Whether strict mode was set per call (null = not set here). */
    public final Boolean strict() {
        return common.strict();
    }

    /** {@code Name{shared fields, engine fields}} with secrets masked. */
    protected final String describe(String name, String engineFields) {
        String c = common.describe();
        return name + "{" + c + (c.isEmpty() || engineFields.isEmpty() ? "" : ", ") + engineFields + "}";
    }
}
