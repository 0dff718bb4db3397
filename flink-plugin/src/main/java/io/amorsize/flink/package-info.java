/**
 * Amorsize for Apache Flink: {@link io.amorsize.flink.AmorsizeFlink} measures a function in the
 * client and recommends operator parallelism and batch size for BATCH-mode jobs;
 * {@link io.amorsize.flink.AmorsizeOptions} exposes the options as Flink {@code ConfigOption}s under
 * {@code amorsize.*}; {@link io.amorsize.flink.FlinkClusterShape} reads task slots from the environment
 * or a running cluster's REST API; {@code mapBatches} runs a batch function with an operator that
 * flushes its last partial batch at end of input.
 */
package io.amorsize.flink;
