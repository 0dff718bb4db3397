/**
 * The identity a measured profile is cached under, built only from what is known before any job runs:
 * {@link io.amorsize.key.FunctionFingerprint} (a hash of the function's code and captured state, or of
 * an explicit id and version; {@link io.amorsize.key.FingerprintWriter} feeds the digest),
 * {@link io.amorsize.key.InputShape} (known records, known bytes and partitions, bucketed by powers of
 * two) and the cluster's fingerprint, combined in {@link io.amorsize.key.CacheKey}. A key never needs a
 * job to compute, so a cache hit costs none.
 */
package io.amorsize.key;
