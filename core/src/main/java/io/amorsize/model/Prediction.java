package io.amorsize.model;

import io.amorsize.Action;

/**
 * The cost model's prediction for one candidate: a partition count, how it is reached, and what the
 * stage would then cost.
 *
 * @param action             how the partition count is applied
 * @param partitions         tasks in the stage that runs the function
 * @param batchSize          records per call of a batch function (1 for per-record functions)
 * @param makespanNanos      predicted wall time of the stage (shuffle included), nanoseconds
 * @param waves              ceil(partitions / slots)
 * @param maxRecordsPerTask  records in the largest task (what the memory check uses)
 * @param typicalTaskNanos   predicted duration of a typical task, overhead included
 * @param heaviestTaskNanos  predicted duration of the heaviest task (clustered skew), overhead included
 * @param stragglerNanos     extra time for the slowest task of the last wave (spread and heavy tail)
 * @param shuffleNanos       part of the makespan spent moving records (REPARTITION only, else 0)
 * @param taskMemoryBytes    estimated bytes of the largest task's records (-1 when record size unknown)
 * @param fitsMemory         true when {@code taskMemoryBytes} fits the slot's memory share
 */
public record Prediction(
        Action action,
        int partitions,
        int batchSize,
        double makespanNanos,
        long waves,
        double maxRecordsPerTask,
        double typicalTaskNanos,
        double heaviestTaskNanos,
        double stragglerNanos,
        double shuffleNanos,
        double taskMemoryBytes,
        boolean fitsMemory) {}
