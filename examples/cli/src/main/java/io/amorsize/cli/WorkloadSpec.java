package io.amorsize.cli;

import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.recommend.CacheKey;
import io.amorsize.recommend.InputShape;

/**
 * One element of a {@code prewarm} file: what a later look-up will know (function fingerprint,
 * input shape, cluster) plus the per-record cost to store for it. Boxed fields so that a missing
 * required field is reported by name instead of silently becoming 0.
 *
 * <pre>{@code
 * [{"function": "a1b2c3", "records": 1000000, "partitions": 8,
 *   "nanosPerRecord": 50000, "cv": 0.3, "inputRecordBytes": 200, "outputRecordBytes": 120,
 *   "cluster": {"engine": "spark", "engineVersion": "4.1.1", "slots": 4,
 *               "memoryPerSlotBytes": 1073741824, "perTaskOverheadNanos": 5000000}}]
 * }</pre>
 *
 * @param function          function fingerprint, as in the keys {@code amorsize list} prints
 * @param records           records the engine knows without a job (-1 when it does not know them)
 * @param bytes             input bytes the engine knows (file split sizes), -1 or absent when unknown
 * @param partitions        the input's current partition count
 * @param nanosPerRecord    mean cost of one record, nanoseconds
 * @param cv                coefficient of variation of the per-record cost (default 0)
 * @param inputRecordBytes  mean input record size (default unknown)
 * @param outputRecordBytes mean output record size (default unknown)
 * @param cluster           the cluster the look-up will run on
 */
record WorkloadSpec(String function, Long records, Long bytes, Integer partitions, Double nanosPerRecord, Double cv,
                    Double inputRecordBytes, Double outputRecordBytes, ClusterSpec cluster) {

    /** The cluster part of a spec, as {@link ClusterShape}. */
    record ClusterSpec(String engine, String engineVersion, Integer slots, Long memoryPerSlotBytes,
                       Double perTaskOverheadNanos) {
        ClusterShape toShape(String at) {
            return new ClusterShape(require(engine, at + ".engine"), require(engineVersion, at + ".engineVersion"),
                    require(slots, at + ".slots"), require(memoryPerSlotBytes, at + ".memoryPerSlotBytes"),
                    perTaskOverheadNanos == null ? 5_000_000.0 : perTaskOverheadNanos);
        }
    }

    InputShape inputShape(String at) {
        return new InputShape(require(records, at + ".records"), bytes == null ? -1 : bytes,
                require(partitions, at + ".partitions"));
    }

    CostProfile profile(String at) {
        return CostProfile.of(require(nanosPerRecord, at + ".nanosPerRecord"), cv == null ? 0.0 : cv,
                inputRecordBytes == null ? -1 : inputRecordBytes, outputRecordBytes == null ? -1 : outputRecordBytes);
    }

    Workload workload(String at) {
        long n = require(records, at + ".records");
        if (n < 0) {
            throw new IllegalArgumentException(at + ".records: a prewarmed workload needs a known record count");
        }
        return Workload.of(n, require(partitions, at + ".partitions"));
    }

    CacheKey key(String at) {
        return CacheKey.of(require(function, at + ".function"), inputShape(at), require(cluster, at + ".cluster").toShape(at + ".cluster"));
    }

    private static <T> T require(T v, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }
}
