package io.amorsize;

/** Where a {@link Recommendation} came from. */
public enum Source {
    /** Measured and decided in this call. */
    COMPUTED,
    /** Profile read from the shared Redis cache; decision re-derived for this call's workload. */
    CACHE_REDIS,
    /** Profile read from the local fallback file; decision re-derived for this call's workload. */
    CACHE_FILE,
    /** Tuning failed or was disabled: the engine's own partitioning is kept. */
    DEFAULT_FALLBACK
}
