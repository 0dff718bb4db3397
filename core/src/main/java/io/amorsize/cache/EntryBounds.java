package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Observation;
import io.amorsize.model.Workload;

/**
 * The value bounds of a stored entry (see {@link EntryCodec} for the list): checked before an entry
 * is written, so nothing unreadable is stored, and after one is read.
 */
final class EntryBounds {

    static final int MAX_KEY_CHARS = 1024;
    static final int MAX_NAME_CHARS = 128;
    static final double MAX_NANOS = 1e15;
    static final double MAX_BYTES_PER_RECORD = 1L << 40;
    /** Largest current partition count an entry may describe (Spark allows more; no real input has). */
    static final int MAX_CURRENT_PARTITIONS = 1 << 24;

    static final long PARTITIONS_PER_SLOT_CAP = 64;
    static final long FUTURE_TOLERANCE_MILLIS = 86_400_000L;

    private EntryBounds() {}

    /**
     * @param key       the rendered key the entry is stored under
     * @param nowMillis the wall clock now (a created-at more than a day after it is rejected)
     */
    static void check(String key, CacheEntry e, long nowMillis) throws RejectedEntryException {
        if (e.schemaVersion() != EntryFormat.SCHEMA_VERSION) {
            throw new RejectedEntryException(
                    "schema version " + e.schemaVersion() + ", expected " + EntryFormat.SCHEMA_VERSION);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            throw new RejectedEntryException("key length " + key.length() + " outside 1.." + MAX_KEY_CHARS);
        }
        requirePrintable("key", key);
        ClusterShape c = e.cluster();
        Workload w = e.workload();
        CostProfile p = e.profile();
        requireName("cluster.engine", c.engine());
        requireName("cluster.engineVersion", c.engineVersion());
        if (w.currentPartitions() > MAX_CURRENT_PARTITIONS) {
            throw new RejectedEntryException(
                    "workload.currentPartitions " + w.currentPartitions() + " above " + MAX_CURRENT_PARTITIONS);
        }
        // KEEP stores the engine's own count, which may exceed what Amorsize would ever choose
        // (10,000 tiny partitions kept on 8 slots, 3 partitions holding 1 record).
        long partitionCap = e.action() == Action.KEEP
                ? w.currentPartitions()
                : Math.min(Math.max(1L, (long) c.slots() * PARTITIONS_PER_SLOT_CAP), Math.max(1L, w.records()));
        if (e.action() == Action.KEEP && e.partitions() != w.currentPartitions()) {
            throw new RejectedEntryException(
                    "KEEP with partitions " + e.partitions() + " but current partitions " + w.currentPartitions());
        }
        if (e.partitions() < 1 || e.partitions() > partitionCap) {
            throw new RejectedEntryException("partitions " + e.partitions() + " outside 1.." + partitionCap + " (slots "
                    + c.slots() + ", records " + w.records() + ")");
        }
        long batchCap = Math.max(1L, w.records());
        if (e.batchSize() < 1 || e.batchSize() > batchCap) {
            throw new RejectedEntryException("batchSize " + e.batchSize() + " outside 1.." + batchCap);
        }
        requireCost("profile.meanNanos", p.meanNanos(), true);
        requireCost("profile.p50Nanos", p.p50Nanos(), false);
        requireCost("profile.p95Nanos", p.p95Nanos(), false);
        requireCost("profile.p99Nanos", p.p99Nanos(), false);
        requireCost("profile.maxNanos", p.maxNanos(), false);
        requireRange("profile.cv", p.cv(), 0, 1e6);
        requireRange("profile.cpuNanos", p.cpuNanos(), -1, MAX_NANOS);
        requireRange("profile.inputBytes", p.inputBytes(), -1, MAX_BYTES_PER_RECORD);
        requireRange("profile.outputBytes", p.outputBytes(), -1, MAX_BYTES_PER_RECORD);
        requireRange("profile.allocatedBytes", p.allocatedBytes(), -1, MAX_BYTES_PER_RECORD);
        requireRange("profile.partitionSkew", p.partitionSkew(), 1, 1e9);
        BatchFit f = p.batchFit();
        if (f != null) {
            requireRange("profile.batchFit.fixedNanos", f.fixedNanos(), 0, MAX_NANOS);
            requireRange("profile.batchFit.perRecordNanos", f.perRecordNanos(), 0, MAX_NANOS);
            if (!Double.isNaN(f.rSquared())) {
                requireRange("profile.batchFit.rSquared", f.rSquared(), -1e6, 1);
            }
        }
        requireRange("cluster.perTaskOverheadNanos", c.perTaskOverheadNanos(), 0, MAX_NANOS);
        requireRange("workload.relativeError", w.relativeError(), 0, 1e6);
        if (w.maxParallelism() > 0 && e.partitions() > w.maxParallelism()) {
            throw new RejectedEntryException(
                    "partitions " + e.partitions() + " above maxParallelism " + w.maxParallelism());
        }
        if (e.createdAtMillis() > nowMillis + FUTURE_TOLERANCE_MILLIS) {
            throw new RejectedEntryException("createdAt " + e.createdAtMillis() + " is in the future");
        }
        if (e.history().size() > CacheEntry.MAX_HISTORY) {
            throw new RejectedEntryException(
                    "history of " + e.history().size() + " observations, at most " + CacheEntry.MAX_HISTORY);
        }
        for (Observation o : e.history()) {
            check(o, nowMillis);
        }
    }

    /** Records an observation may report (far above any real input; the bound keeps arithmetic finite). */
    static final long MAX_RECORDS = 1L << 50;

    /** The bounds of one observation (the record constructor already refuses negatives and non-finite numbers). */
    static void check(Observation o, long nowMillis) throws RejectedEntryException {
        if (o.partitions() > MAX_CURRENT_PARTITIONS) {
            throw new RejectedEntryException(
                    "observation partitions " + o.partitions() + " above " + MAX_CURRENT_PARTITIONS);
        }
        if (o.correctedBy() > CacheEntry.MAX_HISTORY) {
            throw new RejectedEntryException(
                    "observation correctedBy " + o.correctedBy() + " above " + CacheEntry.MAX_HISTORY);
        }
        if (o.records() > MAX_RECORDS) {
            throw new RejectedEntryException("observation records " + o.records() + " above " + MAX_RECORDS);
        }
        requireCost("observation.predictedNanos", o.predictedNanos(), true);
        requireCost("observation.observedNanos", o.observedNanos(), true);
        requireRange("observation.costNanos", o.costNanos(), -1, MAX_NANOS);
        requireRange("observation.overheadNanos", o.overheadNanos(), -1, MAX_NANOS);
        requireRange("observation.spread", o.spread(), -1, 1e9);
        if (o.atMillis() > nowMillis + FUTURE_TOLERANCE_MILLIS) {
            throw new RejectedEntryException("observation at " + o.atMillis() + " is in the future");
        }
    }

    private static void requireName(String name, String v) throws RejectedEntryException {
        if (v.isEmpty() || v.length() > MAX_NAME_CHARS) {
            throw new RejectedEntryException(name + " length " + v.length() + " outside 1.." + MAX_NAME_CHARS);
        }
        requirePrintable(name, v);
    }

    /**
     * No control characters (C0, DEL, C1) nor line or paragraph separators in a stored string: they
     * would forge log lines and terminal output wherever the value is shown.
     */
    static void requirePrintable(String name, String v) throws RejectedEntryException {
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029') {
                throw new RejectedEntryException(name + " contains the control character U+"
                        + String.format("%04X", (int) ch) + " at index " + i);
            }
        }
    }

    private static void requireCost(String name, double v, boolean positive) throws RejectedEntryException {
        if (!Double.isFinite(v) || (positive ? !(v > 0) : !(v >= 0)) || v > MAX_NANOS) {
            throw new RejectedEntryException(
                    name + " " + v + " outside " + (positive ? "(0" : "[0") + ", " + MAX_NANOS + "]");
        }
    }

    private static void requireRange(String name, double v, double min, double max) throws RejectedEntryException {
        if (!Double.isFinite(v) || v < min || v > max) {
            throw new RejectedEntryException(name + " " + v + " outside [" + min + ", " + max + "]");
        }
    }
}
