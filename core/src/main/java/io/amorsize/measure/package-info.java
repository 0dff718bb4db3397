/**
 * What a user function costs per record: {@link io.amorsize.measure.Measurer} warms the JIT up,
 * times the function on a sample (wall and CPU time, allocation, serialized sizes by a pluggable
 * {@link io.amorsize.measure.Sizer}, cost skew between input partitions) and fits batch functions'
 * fixed and per-record cost. The result is a {@link io.amorsize.measure.CostProfile}, which is what
 * the cache stores and the model consumes.
 */
package io.amorsize.measure;
