package io.amorsize.tune;

import io.amorsize.measure.CostProfile;
import io.amorsize.model.Workload;
import java.util.List;
import java.util.Objects;

/**
 * What one measurement run produced: the function's cost profile and the workload as the sample
 * showed it (record count, exact or estimated). Engine adapters produce this on their executors.
 *
 * @param profile  the cost profile
 * @param workload the workload estimate
 * @param notes    lines for the explanation (e.g. how the record count was estimated)
 * @param spend    what measuring cost and why it stopped, for the INFO decision line (e.g. {@code measured
 *                 180 records in 2 tasks, 96 ms; stopped: decision stable}), or null
 */
public record Measurement(CostProfile profile, Workload workload, List<String> notes, String spend)
        implements java.io.Serializable {
    public Measurement {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(workload, "workload");
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
    }

    /** A measurement without a spend line. */
    public Measurement(CostProfile profile, Workload workload, List<String> notes) {
        this(profile, workload, notes, null);
    }
}
