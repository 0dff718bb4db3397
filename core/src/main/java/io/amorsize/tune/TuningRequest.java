package io.amorsize.tune;

import io.amorsize.key.InputShape;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One tuning question, as an engine adapter asks it.
 *
 * @param functionFingerprint {@link io.amorsize.key.FunctionFingerprint} of the user function
 * @param input               what is known about the input before any job runs (the key's input part)
 * @param cluster             the cluster shape (slots, memory, calibrated per-task overhead)
 * @param knownWorkload       the workload when it is known without running a job, or null; on a cache
 *                            hit without it, the cached workload is scaled to {@code input}
 * @param measure             runs the sample and the measurement (may start an engine job); called
 *                            only on a cache miss; may throw (the Tuner falls back)
 */
public record TuningRequest(
        String functionFingerprint,
        InputShape input,
        ClusterShape cluster,
        Workload knownWorkload,
        Supplier<Measurement> measure) {

    public TuningRequest {
        Objects.requireNonNull(functionFingerprint, "functionFingerprint");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(measure, "measure");
    }
}
