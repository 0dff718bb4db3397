/**
 * The orchestration on top of the stages: {@link io.amorsize.tune.Tuner} answers one
 * {@link io.amorsize.tune.TuningRequest} (function fingerprint, input shape, cluster, known workload and a
 * way to measure) by building the key, looking it up, and on a miss taking the compute lock, measuring
 * once ({@link io.amorsize.tune.Measurement}), optimizing and storing the profile; on a hit it re-derives
 * the decision for this input and cluster without measuring. It owns the decision's one INFO line and the
 * fallback rule: any failure keeps the engine's partitioning with one WARN, or throws in strict mode.
 * Engine adapters (the Spark and Flink plugins, and the core facade) only describe their input and
 * cluster, sample and measure on the engine, and apply the result.
 */
package io.amorsize.tune;
