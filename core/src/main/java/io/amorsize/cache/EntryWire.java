package io.amorsize.cache;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.amorsize.Action;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;

/** The wire records of one stored entry (the JSON layout documented on {@link EntryCodec}) and their mapping. */
final class EntryWire {

    /** Value of an absent optional field ({@code cluster.cores} and {@code cluster.cpuClass}, absent in older entries). */
    static final String ABSENT = "amorsize.absent";
    /** The same for {@code cluster.cpuClass} (Jackson wants one id per injected property of a class). */
    static final String ABSENT_CPU_CLASS = "amorsize.absent.cpuClass";

    private EntryWire() {
    }

    @JsonPropertyOrder({"schema", "key", "profile", "cluster", "workload", "decision", "createdAt", "mac"})
    record Wire(int schema, String key, WireProfile profile, WireCluster cluster, WireWorkload workload,
                WireDecision decision, long createdAt, String mac) {

        static Wire of(String key, CacheEntry e, String mac) {
            CostProfile p = e.profile();
            BatchFit f = p.batchFit();
            WireFit fit = f == null ? null
                    : new WireFit(f.fixedNanos(), f.perRecordNanos(), f.points(), Double.isNaN(f.rSquared()) ? null : f.rSquared());
            ClusterShape c = e.cluster();
            Workload w = e.workload();
            return new Wire(e.schemaVersion(), key,
                    new WireProfile(p.sampleSize(), p.steadyState(), p.meanNanos(), p.p50Nanos(), p.p95Nanos(),
                            p.p99Nanos(), p.maxNanos(), p.cv(), p.cpuNanos(), p.inputBytes(), p.outputBytes(),
                            p.allocatedBytes(), p.partitionSkew(), fit),
                    new WireCluster(c.engine(), c.engineVersion(), c.slots(), c.memoryPerSlotBytes(), c.perTaskOverheadNanos(),
                            c.cores() == c.slots() ? null : c.cores(), c.cpuClass().isEmpty() ? null : c.cpuClass()),
                    new WireWorkload(w.records(), w.recordsExact(), w.relativeError(), w.currentPartitions(),
                            w.largestPartitionShare(), w.maxParallelism(), w.preferDivisorsOfMax()),
                    new WireDecision(e.partitions(), e.batchSize(), e.action()),
                    e.createdAtMillis(), mac);
        }

        CacheEntry toEntry() {
            WireFit f = profile.batchFit();
            BatchFit fit = f == null ? null
                    : new BatchFit(f.fixedNanos(), f.perRecordNanos(), f.points(), f.rSquared() == null ? Double.NaN : f.rSquared());
            WireProfile p = profile;
            CostProfile cost = new CostProfile(
                    new CostProfile.Sample(p.sampleSize(), p.steadyState(), p.partitionSkew()),
                    new CostProfile.Timing(p.meanNanos(), p.p50Nanos(), p.p95Nanos(), p.p99Nanos(), p.maxNanos(), p.cv()),
                    new CostProfile.Resources(p.cpuNanos(), p.allocatedBytes()),
                    new CostProfile.Sizes(p.inputBytes(), p.outputBytes()), fit);
            ClusterShape c = new ClusterShape(cluster.engine(), cluster.engineVersion(), cluster.slots(),
                    cluster.memoryPerSlotBytes(), cluster.perTaskOverheadNanos(),
                    cluster.cores() == null ? Math.max(1, cluster.slots()) : cluster.cores(),
                    cluster.cpuClass() == null ? "" : cluster.cpuClass());
            Workload w = new Workload(
                    new Workload.RecordCount(workload.records(), workload.recordsExact(), workload.relativeError()),
                    new Workload.Partitions(workload.currentPartitions(), workload.largestPartitionShare()),
                    new Workload.Limits(workload.maxParallelism(), workload.preferDivisorsOfMax()));
            return new CacheEntry(schema, EntryFormat.keyOf(key), cost, c, w, decision.partitions(), decision.batchSize(),
                    decision.action(), createdAt);
        }
    }

    @JsonPropertyOrder({"sampleSize", "steadyState", "meanNanos", "p50Nanos", "p95Nanos", "p99Nanos", "maxNanos", "cv",
            "cpuNanos", "inputBytes", "outputBytes", "allocatedBytes", "partitionSkew", "batchFit"})
    record WireProfile(int sampleSize, boolean steadyState, double meanNanos, double p50Nanos, double p95Nanos,
                       double p99Nanos, double maxNanos, double cv, double cpuNanos, double inputBytes,
                       double outputBytes, double allocatedBytes, double partitionSkew,
                       @JsonSetter(nulls = Nulls.SET) WireFit batchFit) {
        WireProfile {
            finite(meanNanos, p50Nanos, p95Nanos, p99Nanos, maxNanos, cv, cpuNanos, inputBytes, outputBytes,
                    allocatedBytes, partitionSkew);
        }
    }

    @JsonPropertyOrder({"fixedNanos", "perRecordNanos", "points", "rSquared"})
    record WireFit(double fixedNanos, double perRecordNanos, int points,
                   @JsonSetter(nulls = Nulls.SET) Double rSquared) {
        WireFit {
            finite(fixedNanos, perRecordNanos, rSquared == null ? 0 : rSquared);
        }
    }

    /**
     * {@code cores}: optional (absent = one core per slot; null is rejected), else 1..{@link ClusterShape#MAX_CORES}.
     * {@code cpuClass}: optional (absent = unknown, as in entries written before it; null is rejected).
     */
    @JsonPropertyOrder({"engine", "engineVersion", "slots", "memoryPerSlotBytes", "perTaskOverheadNanos", "cores",
            "cpuClass"})
    record WireCluster(String engine, String engineVersion, int slots, long memoryPerSlotBytes, double perTaskOverheadNanos,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @JacksonInject(value = ABSENT, useInput = OptBoolean.TRUE) Integer cores,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @JacksonInject(value = ABSENT_CPU_CLASS, useInput = OptBoolean.TRUE) String cpuClass) {
        WireCluster {
            finite(perTaskOverheadNanos);
            if (cores != null && (cores < 1 || cores > ClusterShape.MAX_CORES)) {
                throw new IllegalArgumentException("cores " + cores + " outside 1.." + ClusterShape.MAX_CORES);
            }
        }
    }

    @JsonPropertyOrder({"records", "recordsExact", "relativeError", "currentPartitions", "largestPartitionShare",
            "maxParallelism", "preferDivisorsOfMax"})
    record WireWorkload(long records, boolean recordsExact, double relativeError, int currentPartitions,
                        double largestPartitionShare, int maxParallelism, boolean preferDivisorsOfMax) {
        WireWorkload {
            finite(relativeError, largestPartitionShare);
        }
    }

    /** Jackson turns the strings "NaN" and "Infinity" into doubles whatever the coercion config says. */
    static void finite(double... values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("non-finite number " + v);
            }
        }
    }

    @JsonPropertyOrder({"partitions", "batchSize", "action"})
    record WireDecision(int partitions, int batchSize, Action action) {
    }
}
