package io.amorsize.measure;

/**
 * Linear fit of a batch function's call time: t(b) = fixedNanos + perRecordNanos * b.
 *
 * @param fixedNanos     fixed cost per call (connection, request round trip...), >= 0
 * @param perRecordNanos cost per record in the batch, >= 0
 * @param points         how many batch sizes were timed for the fit (>= 2)
 * @param rSquared       goodness of fit in [0, 1] (NaN when not computable)
 */
public record BatchFit(double fixedNanos, double perRecordNanos, int points, double rSquared)
        implements java.io.Serializable {
    public BatchFit {
        if (!(fixedNanos >= 0) || !Double.isFinite(fixedNanos)) {
            throw new IllegalArgumentException("fixedNanos must be finite and >= 0, got " + fixedNanos);
        }
        if (!(perRecordNanos >= 0) || !Double.isFinite(perRecordNanos)) {
            throw new IllegalArgumentException("perRecordNanos must be finite and >= 0, got " + perRecordNanos);
        }
        if (points < 2) {
            throw new IllegalArgumentException("points must be >= 2, got " + points);
        }
    }

    /** Predicted time of one call with {@code batchSize} records. */
    public double callNanos(long batchSize) {
        return fixedNanos + perRecordNanos * batchSize;
    }
}
