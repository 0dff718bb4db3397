/**
 * What a user function costs per record: {@link io.amorsize.measure.Measurer} warms the JIT up,
 * times the function on a sample (wall and CPU time, allocation, serialized sizes by a pluggable
 * {@link io.amorsize.measure.Sizer}, cost skew between input partitions) and fits batch functions'
 * fixed and per-record cost. The result is a {@link io.amorsize.measure.CostProfile}, which is what
 * the cache stores and the model consumes. With a {@link io.amorsize.measure.StopRule} (implemented
 * above this package, by the optimizer) it measures only as long as the decision needs, and a
 * {@link io.amorsize.measure.MeasureReport} says what measuring spent and why it stopped.
 *
 * <p>Inside, one package-private class per stage: {@code WarmUp}, {@code UnitTimer} and
 * {@code RecordTiming}, {@code BatchTiming}, {@code Summary}.
 */
package io.amorsize.measure;
