package io.amorsize.measure;

import java.util.Objects;

/**
 * A measurement's result: the function's profile (what the cache stores) and the report of this run
 * (what explain() and the INFO line show).
 *
 * @param profile the cost profile
 * @param report  what was timed, what it cost, why it stopped
 */
public record Measured(CostProfile profile, MeasureReport report) implements java.io.Serializable {
    public Measured {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(report, "report");
    }
}
