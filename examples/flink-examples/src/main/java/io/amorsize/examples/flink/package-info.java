/**
 * Flink programs: {@link io.amorsize.examples.flink.LogEnrichJob} (the Flink twin of the Spark example,
 * run by {@code bin/run-example flink} and on the session clusters) and
 * {@link io.amorsize.examples.flink.FlinkBenchmark} (BATCH-mode workloads on a local cluster of 2 task
 * managers × 2 slots against Flink's default parallelism, its adaptive batch scheduler and a sweep;
 * writes the Flink section of docs/BENCHMARKS.md).
 */
package io.amorsize.examples.flink;
