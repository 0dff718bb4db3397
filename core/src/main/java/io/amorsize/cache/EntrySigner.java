package io.amorsize.cache;

import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Observation;
import io.amorsize.model.Workload;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 of an entry: over {@code UTF-8(key) + "\n" + canonical payload}, where the
 * canonical payload is a line per field with doubles as the hex of their IEEE-754 bits (so the MAC
 * does not depend on how a JSON library prints numbers) and strings length-prefixed.
 */
final class EntrySigner {

    private final SecretKeySpec secret;

    /** @param secret at least 1 byte (copied) */
    EntrySigner(byte[] secret) {
        this.secret = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** The lowercase hex MAC of {@code entry} stored under {@code key}. */
    String sign(String key, CacheEntry entry) {
        return HexFormat.of().formatHex(mac(key, entry));
    }

    /**
     * Checks a stored MAC (constant-time comparison).
     *
     * @throws RejectedEntryException when it is missing, malformed or wrong
     */
    void verify(String key, CacheEntry entry, String mac) throws RejectedEntryException {
        if (mac.isEmpty()) {
            throw new RejectedEntryException("missing MAC (a secret is configured)");
        }
        if (mac.length() != 64 || !mac.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new RejectedEntryException("malformed MAC");
        }
        byte[] expected = mac(key, entry);
        byte[] actual = HexFormat.of().parseHex(mac);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new RejectedEntryException("MAC mismatch (tampered, copied under another key, or another secret)");
        }
    }

    /**
     * The lowercase hex MAC of one observation of the entry under {@code key}. Observations are
     * signed one by one, not by the entry's MAC, so that Redis can append one to the history
     * server-side without the secret; a forged observation still fails its own MAC.
     */
    String sign(String key, Observation o) {
        return HexFormat.of().formatHex(hmac(key, canonical(o)));
    }

    /** Checks an observation's MAC (constant-time comparison). */
    void verify(String key, Observation o, String mac) throws RejectedEntryException {
        if (mac.length() != 64 || !mac.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new RejectedEntryException("malformed or missing observation MAC");
        }
        if (!MessageDigest.isEqual(hmac(key, canonical(o)), HexFormat.of().parseHex(mac))) {
            throw new RejectedEntryException(
                    "observation MAC mismatch (tampered, copied under another key, or another secret)");
        }
    }

    static String canonical(Observation o) {
        StringBuilder sb = new StringBuilder(256);
        line(sb, "observation", 1);
        line(sb, "id", o.id());
        line(sb, "at", o.atMillis());
        line(sb, "partitions", o.partitions());
        line(sb, "action", o.action().name());
        line(sb, "batchSize", o.batchSize());
        line(sb, "correctedBy", o.correctedBy());
        dbl(sb, "predictedNanos", o.predictedNanos());
        dbl(sb, "observedNanos", o.observedNanos());
        line(sb, "records", o.records());
        dbl(sb, "costNanos", o.costNanos());
        dbl(sb, "overheadNanos", o.overheadNanos());
        dbl(sb, "spread", o.spread());
        return sb.toString();
    }

    byte[] mac(String key, CacheEntry e) {
        return hmac(key, canonical(key, e));
    }

    private byte[] hmac(String key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            mac.update(key.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    /** The MAC'd payload: one line per field, doubles as IEEE-754 bits, strings length-prefixed. */
    static String canonical(String key, CacheEntry e) {
        StringBuilder sb = new StringBuilder(512);
        line(sb, "schema", e.schemaVersion());
        str(sb, "key", key);
        CostProfile p = e.profile();
        line(sb, "sampleSize", p.sampleSize());
        line(sb, "steadyState", p.steadyState());
        dbl(sb, "meanNanos", p.meanNanos());
        dbl(sb, "p50Nanos", p.p50Nanos());
        dbl(sb, "p95Nanos", p.p95Nanos());
        dbl(sb, "p99Nanos", p.p99Nanos());
        dbl(sb, "maxNanos", p.maxNanos());
        dbl(sb, "cv", p.cv());
        dbl(sb, "cpuNanos", p.cpuNanos());
        dbl(sb, "inputBytes", p.inputBytes());
        dbl(sb, "outputBytes", p.outputBytes());
        dbl(sb, "allocatedBytes", p.allocatedBytes());
        dbl(sb, "partitionSkew", p.partitionSkew());
        BatchFit f = p.batchFit();
        if (f == null) {
            line(sb, "batchFit", "null");
        } else {
            dbl(sb, "fixedNanos", f.fixedNanos());
            dbl(sb, "perRecordNanos", f.perRecordNanos());
            line(sb, "points", f.points());
            dbl(sb, "rSquared", f.rSquared());
        }
        ClusterShape c = e.cluster();
        str(sb, "engine", c.engine());
        str(sb, "engineVersion", c.engineVersion());
        line(sb, "slots", c.slots());
        line(sb, "memoryPerSlotBytes", c.memoryPerSlotBytes());
        dbl(sb, "perTaskOverheadNanos", c.perTaskOverheadNanos());
        if (c.cores() != c.slots()) {
            line(sb, "cores", c.cores()); // absent when cores = slots: older entries' MACs still verify
        }
        if (!c.cpuClass().isEmpty()) {
            str(sb, "cpuClass", c.cpuClass()); // absent when unknown: older entries' MACs still verify
        }
        Workload w = e.workload();
        line(sb, "records", w.records());
        line(sb, "recordsExact", w.recordsExact());
        dbl(sb, "relativeError", w.relativeError());
        line(sb, "currentPartitions", w.currentPartitions());
        dbl(sb, "largestPartitionShare", w.largestPartitionShare());
        line(sb, "maxParallelism", w.maxParallelism());
        line(sb, "preferDivisorsOfMax", w.preferDivisorsOfMax());
        line(sb, "partitions", e.partitions());
        line(sb, "batchSize", e.batchSize());
        line(sb, "action", e.action().name());
        line(sb, "createdAt", e.createdAtMillis());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, Object v) {
        sb.append(name).append('=').append(v).append('\n');
    }

    private static void dbl(StringBuilder sb, String name, double v) {
        line(sb, name, Long.toHexString(Double.doubleToLongBits(v)));
    }

    private static void str(StringBuilder sb, String name, String v) {
        sb.append(name).append('=').append(v.length()).append(':').append(v).append('\n');
    }
}
