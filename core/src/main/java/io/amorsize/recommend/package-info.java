/**
 * Turning a measured profile into a decision: the {@link io.amorsize.recommend.Optimizer} (candidates,
 * tie and do-no-harm rules, batch size), its {@link io.amorsize.recommend.Decision} and the
 * {@link io.amorsize.recommend.Explanation} behind {@code Recommendation.explain()}. The identities a
 * decision is cached under (function fingerprint, input shape, cache key) are in {@code io.amorsize.key}.
 */
package io.amorsize.recommend;
