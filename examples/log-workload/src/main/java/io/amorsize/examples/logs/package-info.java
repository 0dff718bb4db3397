/**
 * The work of the example jobs with no engine type in it ({@link io.amorsize.examples.logs.LogWorkload}:
 * synthetic web-server log lines, a CPU-heavy parse and enrichment, a simulated slow service called in
 * batches), shared by the Spark and the Flink example so that both tune and run the same functions.
 */
package io.amorsize.examples.logs;
