/**
 * Engine-free programs: {@link io.amorsize.examples.CoreDemo} (the README's core demo: tune a real function
 * over an in-memory input, on this machine and on a modelled 64-slot cluster, then reuse the cached profile),
 * {@link io.amorsize.examples.SimulatorReport} (the simulator benchmark: recommended vs best-of-sweep
 * makespans and decision time) and {@link io.amorsize.examples.CacheBenchmark} (Redis hit latency,
 * throughput, look-ups with Redis down, memory per entry). The benchmarks write their sections of
 * docs/BENCHMARKS.md.
 */
package io.amorsize.examples;
