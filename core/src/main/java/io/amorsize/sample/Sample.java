package io.amorsize.sample;

import java.util.List;
import java.util.Objects;

/**
 * A bounded sample drawn from the front of an iterator.
 *
 * @param records      the sampled records (in order)
 * @param recordsRead  records consumed from the source (== records.size() for front sampling)
 * @param exhausted    true when the source ran out: then {@code recordsRead} is its exact size
 * @param elapsedNanos time spent sampling
 */
public record Sample<T>(List<T> records, long recordsRead, boolean exhausted, long elapsedNanos) {
    public Sample {
        records = java.util.Collections.unmodifiableList(
                new java.util.ArrayList<>(Objects.requireNonNull(records, "records")));
    }
}
