package io.amorsize.recommend;

import io.amorsize.Recommendation;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.util.Objects;

/** Chooses partitions, action and batch size by minimising the cost model's predicted makespan. */
public final class Optimizer {

    private final Settings settings;

    public Optimizer(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A {@link io.amorsize.Source#COMPUTED} recommendation with its explanation. Pure: no I/O. */
    public Recommendation optimize(CostProfile profile, Workload workload, ClusterShape cluster) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
