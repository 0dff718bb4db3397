package io.amorsize.flink;

/** Where {@link AmorsizeFlink} measures the function on a cache miss ({@link FlinkTuneOptions.Builder#measureOn}). */
public enum MeasureOn {
    /**
     * A task manager for a running cluster (remote environment, or {@code rest.address} set) whose slots
     * Amorsize reads; the client for a local environment and when the slots are given per call (a
     * cluster the job will be submitted to later).
     */
    AUTO,
    /** A small bounded job of parallelism 1 on the cluster warms up and times the function in a task manager. */
    TASK_MANAGER,
    /** The client JVM (no job): the right place only when the client is the machine the job runs on. */
    CLIENT
}
