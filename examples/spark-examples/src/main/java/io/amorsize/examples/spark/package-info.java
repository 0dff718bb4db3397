/**
 * Spark programs: {@link io.amorsize.examples.spark.LogEnrichJob} (the README's main example, run by
 * {@code bin/run-example spark}, the compose cluster and the Docker-free cluster runner: parse and
 * enrich log lines, then call a slow service in batches, each step tuned by Amorsize) and
 * {@link io.amorsize.examples.spark.SparkBenchmark} (five workloads on {@code local[2]}: as given, cold,
 * warm, best of a sweep; writes the Spark section of docs/BENCHMARKS.md).
 */
package io.amorsize.examples.spark;
