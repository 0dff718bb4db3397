/**
 * Bounded samples without a full pass: {@link io.amorsize.sample.Sampler} reads lazily from the
 * front of an iterator (or spreads over a random-access list) within a record cap and a time
 * budget, and returns a {@link io.amorsize.sample.Sample}.
 */
package io.amorsize.sample;
