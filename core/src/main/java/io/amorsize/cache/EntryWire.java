package io.amorsize.cache;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.amorsize.Action;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Observation;
import io.amorsize.model.Workload;
import java.util.ArrayList;
import java.util.List;

/** The wire records of one stored entry (the JSON layout documented on {@link EntryCodec}) and their mapping. */
final class EntryWire {

    /** Value of an absent optional field ({@code cluster.cores}, {@code cluster.cpuClass} and {@code history}, absent in older entries). */
    static final String ABSENT = "amorsize.absent";
    /** The same for {@code cluster.cpuClass} (Jackson wants one id per injected property of a class). */
    static final String ABSENT_CPU_CLASS = "amorsize.absent.cpuClass";

    private EntryWire() {}

    /**
     * {@code history} comes last and is written only when non-empty: Redis appends an observation
     * server-side by editing that tail ({@link RedisStore#APPEND_OBSERVATION}).
     */
    @JsonPropertyOrder({"schema", "key", "profile", "cluster", "workload", "decision", "createdAt", "mac", "history"})
    record Wire(
            int schema,
            String key,
            WireProfile profile,
            WireCluster cluster,
            WireWorkload workload,
            WireDecision decision,
            long createdAt,
            String mac,

            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JacksonInject(value = ABSENT, useInput = OptBoolean.TRUE)
            List<WireObservation> history) {

        Wire {
            if (history != null && history.size() > CacheEntry.MAX_HISTORY) {
                throw new IllegalArgumentException(
                        "history of " + history.size() + " observations, at most " + CacheEntry.MAX_HISTORY);
            }
        }

        static Wire of(String key, CacheEntry e, String mac) {
            return of(key, e, mac, null);
        }

        /** @param signer signs each observation, or null for unsigned ones */
        static Wire of(String key, CacheEntry e, String mac, EntrySigner signer) {
            CostProfile p = e.profile();
            BatchFit f = p.batchFit();
            WireFit fit = f == null
                    ? null
                    : new WireFit(
                            f.fixedNanos(),
                            f.perRecordNanos(),
                            f.points(),
                            Double.isNaN(f.rSquared()) ? null : f.rSquared());
            ClusterShape c = e.cluster();
            Workload w = e.workload();
            return new Wire(
                    e.schemaVersion(),
                    key,
                    new WireProfile(
                            p.sampleSize(),
                            p.steadyState(),
                            p.meanNanos(),
                            p.p50Nanos(),
                            p.p95Nanos(),
                            p.p99Nanos(),
                            p.maxNanos(),
                            p.cv(),
                            p.cpuNanos(),
                            p.inputBytes(),
                            p.outputBytes(),
                            p.allocatedBytes(),
                            p.partitionSkew(),
                            fit),
                    new WireCluster(
                            c.engine(),
                            c.engineVersion(),
                            c.slots(),
                            c.memoryPerSlotBytes(),
                            c.perTaskOverheadNanos(),
                            c.cores() == c.slots() ? null : c.cores(),
                            c.cpuClass().isEmpty() ? null : c.cpuClass()),
                    new WireWorkload(
                            w.records(),
                            w.recordsExact(),
                            w.relativeError(),
                            w.currentPartitions(),
                            w.largestPartitionShare(),
                            w.maxParallelism(),
                            w.preferDivisorsOfMax()),
                    new WireDecision(e.partitions(), e.batchSize(), e.action()),
                    e.createdAtMillis(),
                    mac,
                    history(key, e.history(), signer));
        }

        static List<WireObservation> history(String key, List<Observation> history, EntrySigner signer) {
            List<WireObservation> out = new ArrayList<>(history.size());
            for (Observation o : history) {
                out.add(WireObservation.of(o, signer == null ? "" : signer.sign(key, o)));
            }
            return out;
        }

        /** The observations, each MAC checked when {@code signer} is not null. */
        List<Observation> observations(String key, EntrySigner signer) throws RejectedEntryException {
            if (history == null) {
                return List.of();
            }
            List<Observation> out = new ArrayList<>(history.size());
            for (WireObservation w : history) {
                if (w == null) {
                    throw new RejectedEntryException("null observation in the history");
                }
                Observation o;
                try {
                    o = w.toObservation();
                } catch (IllegalArgumentException e) {
                    throw new RejectedEntryException("observation out of range: " + StrictJson.shorten(e.getMessage()));
                }
                if (signer != null) {
                    signer.verify(key, o, w.mac());
                }
                out.add(o);
            }
            return out;
        }

        CacheEntry toEntry() {
            return toEntry(List.of());
        }

        CacheEntry toEntry(List<Observation> observations) {
            WireFit f = profile.batchFit();
            BatchFit fit = f == null
                    ? null
                    : new BatchFit(
                            f.fixedNanos(),
                            f.perRecordNanos(),
                            f.points(),
                            f.rSquared() == null ? Double.NaN : f.rSquared());
            WireProfile p = profile;
            CostProfile cost = new CostProfile(
                    new CostProfile.Sample(p.sampleSize(), p.steadyState(), p.partitionSkew()),
                    new CostProfile.Timing(
                            p.meanNanos(), p.p50Nanos(), p.p95Nanos(), p.p99Nanos(), p.maxNanos(), p.cv()),
                    new CostProfile.Resources(p.cpuNanos(), p.allocatedBytes()),
                    new CostProfile.Sizes(p.inputBytes(), p.outputBytes()),
                    fit);
            ClusterShape c = new ClusterShape(
                    cluster.engine(),
                    cluster.engineVersion(),
                    cluster.slots(),
                    cluster.memoryPerSlotBytes(),
                    cluster.perTaskOverheadNanos(),
                    cluster.cores() == null ? Math.max(1, cluster.slots()) : cluster.cores(),
                    cluster.cpuClass() == null ? "" : cluster.cpuClass());
            Workload w = new Workload(
                    new Workload.RecordCount(workload.records(), workload.recordsExact(), workload.relativeError()),
                    new Workload.Partitions(workload.currentPartitions(), workload.largestPartitionShare()),
                    new Workload.Limits(workload.maxParallelism(), workload.preferDivisorsOfMax()));
            return new CacheEntry(
                    schema,
                    EntryFormat.keyOf(key),
                    cost,
                    c,
                    w,
                    decision.partitions(),
                    decision.batchSize(),
                    decision.action(),
                    createdAt,
                    observations);
        }
    }

    @JsonPropertyOrder({
        "sampleSize",
        "steadyState",
        "meanNanos",
        "p50Nanos",
        "p95Nanos",
        "p99Nanos",
        "maxNanos",
        "cv",
        "cpuNanos",
        "inputBytes",
        "outputBytes",
        "allocatedBytes",
        "partitionSkew",
        "batchFit"
    })
    record WireProfile(
            int sampleSize,
            boolean steadyState,
            double meanNanos,
            double p50Nanos,
            double p95Nanos,
            double p99Nanos,
            double maxNanos,
            double cv,
            double cpuNanos,
            double inputBytes,
            double outputBytes,
            double allocatedBytes,
            double partitionSkew,
            @JsonSetter(nulls = Nulls.SET) WireFit batchFit) {
        WireProfile {
            finite(
                    meanNanos,
                    p50Nanos,
                    p95Nanos,
                    p99Nanos,
                    maxNanos,
                    cv,
                    cpuNanos,
                    inputBytes,
                    outputBytes,
                    allocatedBytes,
                    partitionSkew);
        }
    }

    @JsonPropertyOrder({"fixedNanos", "perRecordNanos", "points", "rSquared"})
    record WireFit(
            double fixedNanos,
            double perRecordNanos,
            int points,
            @JsonSetter(nulls = Nulls.SET) Double rSquared) {
        WireFit {
            finite(fixedNanos, perRecordNanos, rSquared == null ? 0 : rSquared);
        }
    }

    /**
     * {@code cores}: optional (absent = one core per slot; null is rejected), else 1..{@link ClusterShape#MAX_CORES}.
     * {@code cpuClass}: optional (absent = unknown, as in entries written before it; null is rejected).
     */
    @JsonPropertyOrder({
        "engine",
        "engineVersion",
        "slots",
        "memoryPerSlotBytes",
        "perTaskOverheadNanos",
        "cores",
        "cpuClass"
    })
    record WireCluster(
            String engine,
            String engineVersion,
            int slots,
            long memoryPerSlotBytes,
            double perTaskOverheadNanos,

            @JsonInclude(JsonInclude.Include.NON_NULL) @JacksonInject(value = ABSENT, useInput = OptBoolean.TRUE)
            Integer cores,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JacksonInject(value = ABSENT_CPU_CLASS, useInput = OptBoolean.TRUE)
            String cpuClass) {
        WireCluster {
            finite(perTaskOverheadNanos);
            if (cores != null && (cores < 1 || cores > ClusterShape.MAX_CORES)) {
                throw new IllegalArgumentException("cores " + cores + " outside 1.." + ClusterShape.MAX_CORES);
            }
        }
    }

    @JsonPropertyOrder({
        "records",
        "recordsExact",
        "relativeError",
        "currentPartitions",
        "largestPartitionShare",
        "maxParallelism",
        "preferDivisorsOfMax"
    })
    record WireWorkload(
            long records,
            boolean recordsExact,
            double relativeError,
            int currentPartitions,
            double largestPartitionShare,
            int maxParallelism,
            boolean preferDivisorsOfMax) {
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
    record WireDecision(int partitions, int batchSize, Action action) {}

    @JsonPropertyOrder({
        "id",
        "at",
        "partitions",
        "action",
        "batchSize",
        "correctedBy",
        "predictedNanos",
        "observedNanos",
        "records",
        "costNanos",
        "overheadNanos",
        "spread",
        "mac"
    })
    record WireObservation(
            long id,
            long at,
            int partitions,
            Action action,
            int batchSize,
            int correctedBy,
            double predictedNanos,
            double observedNanos,
            long records,
            double costNanos,
            double overheadNanos,
            double spread,
            String mac) {
        WireObservation {
            finite(predictedNanos, observedNanos, costNanos, overheadNanos, spread);
        }

        static WireObservation of(Observation o, String mac) {
            return new WireObservation(
                    o.id(),
                    o.atMillis(),
                    o.partitions(),
                    o.action(),
                    o.batchSize(),
                    o.correctedBy(),
                    o.predictedNanos(),
                    o.observedNanos(),
                    o.records(),
                    o.costNanos(),
                    o.overheadNanos(),
                    o.spread(),
                    mac);
        }

        Observation toObservation() {
            return new Observation(
                    id,
                    at,
                    partitions,
                    action,
                    batchSize,
                    correctedBy,
                    predictedNanos,
                    observedNanos,
                    records,
                    costNanos,
                    overheadNanos,
                    spread);
        }
    }
}
