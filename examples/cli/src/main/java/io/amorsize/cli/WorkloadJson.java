package io.amorsize.cli;

import io.amorsize.WorkloadSpec;
import io.amorsize.model.ClusterShape;
import io.amorsize.key.CacheKey;

/**
 * One element of a {@code prewarm} file: the function's fingerprint plus the fields of
 * {@link WorkloadSpec} (same names), so the CLI stores exactly what
 * {@code Amorsize.prewarmDistributedCache} would, under the key a later look-up computes. Boxed
 * fields, so that a missing required field is reported by name instead of silently becoming 0.
 *
 * <pre>{@code
 * [{"function": "a1b2c3", "records": 1000000, "partitions": 8,
 *   "nanosPerRecord": 50000, "cv": 0.3, "inputBytesPerRecord": 200, "outputBytesPerRecord": 120,
 *   "cluster": {"engine": "spark", "engineVersion": "4.1.1", "slots": 4,
 *               "memoryPerSlotBytes": 1073741824, "perTaskOverheadNanos": 5000000, "cores": 2}}]
 * }</pre>
 *
 * @param function             function fingerprint, as in the keys {@code amorsize list} prints
 * @param records              records in the input
 * @param partitions           the input's partition count as the engine sees it
 * @param knownInputBytes      input bytes the engine knows before running (file splits); absent = unknown
 * @param nanosPerRecord       mean cost of one record, nanoseconds
 * @param cv                   coefficient of variation of the per-record cost (default 0.2)
 * @param inputBytesPerRecord  mean input record size (default unknown)
 * @param outputBytesPerRecord mean output record size (default unknown)
 * @param cluster              the cluster the look-up will run on (required: the CLI's own JVM is not it)
 */
record WorkloadJson(String function, Long records, Integer partitions, Long knownInputBytes, Double nanosPerRecord,
                    Double cv, Double inputBytesPerRecord, Double outputBytesPerRecord, ClusterJson cluster) {

    /**
     * The cluster part, as {@link ClusterShape}; {@code cores} optional (absent = one per slot);
     * {@code cpuClass} optional (absent = unknown: the key keeps the slots), e.g. {@code "amd64-4c"},
     * what the engine adapters put in the key for executors of that class (docs/CACHE.md).
     */
    record ClusterJson(String engine, String engineVersion, Integer slots, Long memoryPerSlotBytes,
                       Double perTaskOverheadNanos, Integer cores, String cpuClass) {
        ClusterShape toShape(String at) {
            ClusterShape shape = new ClusterShape(require(engine, at + ".engine"),
                    require(engineVersion, at + ".engineVersion"), require(slots, at + ".slots"),
                    require(memoryPerSlotBytes, at + ".memoryPerSlotBytes"),
                    perTaskOverheadNanos == null ? 5_000_000.0 : perTaskOverheadNanos);
            shape = cpuClass == null ? shape : shape.withCpuClass(cpuClass);
            return cores == null ? shape : shape.withCores(cores);
        }
    }

    /** The core spec; IllegalArgumentException naming the field when something is missing or out of range. */
    WorkloadSpec toSpec(String at) {
        return new WorkloadSpec(require(records, at + ".records"), require(partitions, at + ".partitions"),
                knownInputBytes == null ? -1 : knownInputBytes, require(nanosPerRecord, at + ".nanosPerRecord"),
                cv == null ? 0.2 : cv, inputBytesPerRecord == null ? -1 : inputBytesPerRecord,
                outputBytesPerRecord == null ? -1 : outputBytesPerRecord,
                require(cluster, at + ".cluster").toShape(at + ".cluster"));
    }

    CacheKey key(WorkloadSpec spec, String at) {
        return CacheKey.of(require(function, at + ".function"), spec.input(), spec.cluster());
    }

    private static <T> T require(T v, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }
}
