package io.amorsize;

/**
 * How a recommended partition count is applied to the input. The cost model prices each one
 * ({@link io.amorsize.model.CostModel}); docs/EXPLAIN.md shows them in the candidates table.
 */
public enum Action {
    /** Keep the current partitioning: no data movement. */
    KEEP,
    /** Merge neighbouring partitions without a shuffle (fewer partitions only). */
    COALESCE,
    /** Full shuffle into the recommended number of partitions (spreads clustered cost). */
    REPARTITION
}
