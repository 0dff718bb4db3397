/**
 * Turning a measured profile into a decision: the {@link io.amorsize.recommend.Optimizer} (candidates,
 * tie and do-no-harm rules, batch size), its {@link io.amorsize.recommend.Decision} and explanation,
 * and the identities a decision is cached under (function fingerprint, input shape, cache key).
 */
package io.amorsize.recommend;
