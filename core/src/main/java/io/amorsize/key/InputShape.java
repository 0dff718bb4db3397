package io.amorsize.key;

/**
 * What is known about an input <em>before</em> any job runs (slice sizes of a parallelized
 * collection, input split bytes, the partition count). Only this goes into a cache key: a record
 * count that needs a job to estimate must stay out of it, so that a cache hit costs no job at all.
 *
 * @param knownRecords records, or -1 when not known without a job
 * @param knownBytes   input bytes (e.g. file split sizes), or -1 when unknown
 * @param partitions   current partition count (>= 1)
 */
public record InputShape(long knownRecords, long knownBytes, int partitions) implements java.io.Serializable {

    public InputShape {
        if (knownRecords < -1) {
            throw new IllegalArgumentException("knownRecords must be >= -1, got " + knownRecords);
        }
        if (knownBytes < -1) {
            throw new IllegalArgumentException("knownBytes must be >= -1, got " + knownBytes);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
    }

    /**
     * Power-of-two buckets of what is known: {@code n<k>} for the record count, {@code b<k>} for
     * bytes per record (or total bytes when the count is unknown). When neither is known, the
     * partition count's bucket stands in ({@code p<k>}). Two inputs in one bucket share a cached
     * profile; the decision is still re-derived for the exact workload.
     */
    public String bucket() {
        StringBuilder sb = new StringBuilder();
        if (knownRecords >= 0) {
            sb.append('n').append(log2Bucket(knownRecords));
            if (knownBytes >= 0 && knownRecords > 0) {
                sb.append("-b").append(log2Bucket(knownBytes / knownRecords));
            }
        } else if (knownBytes >= 0) {
            sb.append("B").append(log2Bucket(knownBytes));
        } else {
            sb.append('p').append(log2Bucket(partitions));
        }
        return sb.toString();
    }

    /** floor(log2(v)) + 1 for v >= 1, 0 for v == 0. */
    static int log2Bucket(long v) {
        return v <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(v);
    }
}
