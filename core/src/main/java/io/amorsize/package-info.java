/**
 * The public surface of Amorsize core: the {@link io.amorsize.Amorsize} facade (tune a function over an
 * in-memory input with no engine; configure, inspect, prewarm and clear the process-wide shared cache),
 * and the value types every caller and engine plugin sees: {@link io.amorsize.Recommendation} (partition
 * count or parallelism, {@link io.amorsize.Action}, batch size, predicted makespans, where it came from as
 * a {@link io.amorsize.Source}, and {@code explain()}), the user function shapes
 * {@link io.amorsize.RecordFunction} and {@link io.amorsize.BatchFunction}, {@link io.amorsize.WorkloadSpec}
 * for prewarming, {@link io.amorsize.Ticker} for injected time, and {@link io.amorsize.AmorsizeException},
 * thrown only in strict mode.
 *
 * <p>The pipeline stages live in sub-packages, in the order a decision runs through them:
 * {@code sample} → {@code measure} → {@code model} → {@code recommend}, keyed by {@code key} and cached by
 * {@code cache}, orchestrated by {@code tune}, configured by {@code config}. docs/ARCHITECTURE.md draws it.
 */
package io.amorsize;
