package io.amorsize.cache;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.amorsize.Action;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.key.CacheKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a {@link CacheEntry} into the bytes stored in Redis and in the local file, and back, with
 * strict validation: whatever comes back from a store is untrusted input.
 *
 * <h2>Format</h2>
 * UTF-8 JSON, one object, every field required, in this order (the order is not required on read):
 * <pre>{@code
 * {"schema":1,                                   // CacheKey.SCHEMA_VERSION
 *  "key":"amorsize:v1:fn:n20:spark-4.1.1-s8-m30", // the key the entry was written under
 *  "profile":{"sampleSize":200,"steadyState":true,"meanNanos":1200.0,"p50Nanos":1100.0,
 *             "p95Nanos":1900.0,"p99Nanos":2500.0,"maxNanos":4000.0,"cv":0.3,"cpuNanos":-1.0,
 *             "inputBytes":64.0,"outputBytes":16.0,"allocatedBytes":-1.0,"partitionSkew":1.0,
 *             "batchFit":null | {"fixedNanos":5.0E5,"perRecordNanos":900.0,"points":3,
 *                                "rSquared":0.99 | null}},   // null rSquared = not computable
 *  "cluster":{"engine":"spark","engineVersion":"4.1.1","slots":8,"memoryPerSlotBytes":1073741824,
 *             "perTaskOverheadNanos":2000000.0,
 *             "cores":4},                        // optional: absent = one core per slot
 *  "workload":{"records":1000000,"recordsExact":true,"relativeError":0.0,"currentPartitions":4,
 *              "largestPartitionShare":0.25,"maxParallelism":0,"preferDivisorsOfMax":false},
 *  "decision":{"partitions":16,"batchSize":1,"action":"REPARTITION"},  // KEEP|COALESCE|REPARTITION
 *  "createdAt":1795000000000,                     // epoch millis
 *  "mac":"" | "<64 lowercase hex digits>"}        // HMAC-SHA256, "" when written without a secret
 * }</pre>
 * Only {@code batchFit} and {@code rSquared} may be {@code null}; they must still be present.
 * {@code cluster.cores} is the one optional field: written only when the cores differ from the
 * slots, so entries of clusters with a core per slot read the same in older versions.
 *
 * <h2>What is rejected</h2>
 * More than {@value #MAX_BYTES} bytes (checked before parsing); invalid UTF-8; nesting deeper than
 * {@value #MAX_DEPTH}; strings longer than {@value #MAX_STRING} chars; duplicate, unknown, missing
 * or null fields; trailing tokens; numbers where strings are expected and vice versa; floats where
 * integers are expected (3.9 or 1e9 for an int); quoted numbers ("4000000"); numeric enum values;
 * type ids such as {@code @class} (no default or polymorphic typing anywhere); NaN/Infinity.
 * Then the values: schema version other than {@link CacheKey#SCHEMA_VERSION}; a stored key other
 * than the key it was read under; anything a record constructor refuses; partitions outside
 * 1..max(1, slots×64) or above max(1, records) (a KEEP must equal the workload's current partitions,
 * at most {@value #MAX_CURRENT_PARTITIONS}); batch size outside 1..max(1, records); costs not
 * finite and positive or above {@value #MAX_NANOS} ns; sizes and CPU time below -1 or above
 * {@value #MAX_BYTES_PER_RECORD}; a created-at more than a day in the future.
 *
 * <h2>HMAC</h2>
 * With a secret, {@code mac} is the lowercase hex HMAC-SHA256 of
 * {@code UTF-8(key) + "\n" + canonical payload}, where the canonical payload is a line per field
 * in the order above with doubles as the hex of their IEEE-754 bits (so the MAC does not depend on
 * how a JSON library prints numbers) and strings length-prefixed. On read with a secret, a missing,
 * malformed or wrong MAC is rejected (constant-time comparison); an entry copied under another key
 * fails both the key check and the MAC. Without a secret the MAC is not checked.
 *
 * <p>Thread-safe; build one per store.
 */
public final class EntryCodec {

    /** Size cap of one encoded entry, checked before parsing. */
    public static final int MAX_BYTES = 64 * 1024;
    static final int MAX_DEPTH = 16;
    static final int MAX_STRING = 4096;
    static final int MAX_KEY_CHARS = 1024;
    static final int MAX_NAME_CHARS = 128;
    static final double MAX_NANOS = 1e15;
    static final double MAX_BYTES_PER_RECORD = 1L << 40;
    /** Largest current partition count an entry may describe (Spark allows more; no real input has). */
    static final int MAX_CURRENT_PARTITIONS = 1 << 24;
    static final long PARTITIONS_PER_SLOT_CAP = 64;
    private static final long FUTURE_TOLERANCE_MILLIS = 86_400_000L;

    private static final ObjectMapper MAPPER = strictMapper();
    /** Value of an absent optional field (only {@code cluster.cores}, absent in older entries). */
    private static final String ABSENT = "amorsize.absent";
    private static final ObjectReader READER = MAPPER.readerFor(Wire.class)
            .with(new InjectableValues.Std().addValue(ABSENT, null));
    private static final ObjectWriter WRITER = MAPPER.writerFor(Wire.class);

    private final SecretKeySpec secret;

    /**
     * @param hmacSecretOrNull HMAC-SHA256 secret (copied; at least 1 byte), or {@code null} to
     *                         write unsigned entries and not check MACs on read
     */
    public EntryCodec(byte[] hmacSecretOrNull) {
        if (hmacSecretOrNull != null && hmacSecretOrNull.length == 0) {
            throw new IllegalArgumentException("hmacSecret must not be empty (use null for no secret)");
        }
        this.secret = hmacSecretOrNull == null ? null : new SecretKeySpec(hmacSecretOrNull.clone(), "HmacSHA256");
    }

    /** A codec with a UTF-8 text secret, or none when {@code secretOrNull} is null or empty. */
    public static EntryCodec withSecret(String secretOrNull) {
        return new EntryCodec(secretOrNull == null || secretOrNull.isEmpty()
                ? null : secretOrNull.getBytes(StandardCharsets.UTF_8));
    }

    /** True when entries are signed and MACs checked. */
    public boolean signed() {
        return secret != null;
    }

    /**
     * Encodes {@code entry}, signing it when a secret is configured.
     *
     * @throws IllegalArgumentException if the entry breaks a bound that {@link #decode} would reject
     *                                  (so nothing unreadable is ever written)
     */
    public byte[] encode(CacheEntry entry) {
        Objects.requireNonNull(entry, "entry");
        try {
            checkBounds(entry);
        } catch (RejectedEntryException e) {
            throw new IllegalArgumentException("entry: " + e.getMessage());
        }
        Wire unsigned = Wire.of(entry, "");
        Wire wire = secret == null ? unsigned : Wire.of(entry, HexFormat.of().formatHex(mac(entry.key(), entry)));
        try {
            byte[] bytes = WRITER.writeValueAsBytes(wire);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException("entry: encoded size " + bytes.length + " exceeds " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode cache entry: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Decodes and validates bytes read under {@code expectedKey}.
     *
     * @throws RejectedEntryException on anything suspicious; the caller treats it as a miss
     */
    public CacheEntry decode(String expectedKey, byte[] bytes) throws RejectedEntryException {
        Objects.requireNonNull(expectedKey, "expectedKey");
        if (bytes == null) {
            throw new RejectedEntryException("no bytes");
        }
        if (bytes.length > MAX_BYTES) {
            throw new RejectedEntryException("entry of " + bytes.length + " bytes exceeds the " + MAX_BYTES + "-byte cap");
        }
        if (bytes.length == 0) {
            throw new RejectedEntryException("empty entry");
        }
        String text;
        try {
            text = strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new RejectedEntryException("not valid UTF-8");
        }
        Wire wire;
        try {
            wire = READER.readValue(text);
        } catch (JsonProcessingException e) {
            throw new RejectedEntryException("invalid JSON: " + shorten(e.getOriginalMessage()));
        } catch (RuntimeException e) {
            throw new RejectedEntryException("invalid JSON: " + shorten(String.valueOf(e.getMessage())));
        }
        if (wire == null) {
            throw new RejectedEntryException("invalid JSON: null document");
        }
        if (wire.schema() != CacheKey.SCHEMA_VERSION) {
            throw new RejectedEntryException("schema version " + wire.schema() + ", expected " + CacheKey.SCHEMA_VERSION);
        }
        if (!expectedKey.equals(wire.key())) {
            throw new RejectedEntryException("stored under '" + shorten(expectedKey) + "' but written for '"
                    + shorten(wire.key()) + "'");
        }
        CacheEntry entry;
        try {
            entry = wire.toEntry();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RejectedEntryException("out of range: " + shorten(String.valueOf(e.getMessage())));
        }
        checkBounds(entry);
        if (secret != null) {
            String mac = wire.mac();
            if (mac.isEmpty()) {
                throw new RejectedEntryException("missing MAC (a secret is configured)");
            }
            if (mac.length() != 64 || !mac.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new RejectedEntryException("malformed MAC");
            }
            byte[] expected = mac(expectedKey, entry);
            byte[] actual = HexFormat.of().parseHex(mac);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new RejectedEntryException("MAC mismatch (tampered, copied under another key, or another secret)");
            }
        }
        return entry;
    }

    @Override
    public String toString() {
        return "EntryCodec{" + (secret == null ? "unsigned" : "HMAC-SHA256") + "}";
    }

    // ------------------------------------------------------------------ validation

    static void checkBounds(CacheEntry e) throws RejectedEntryException {
        if (e.schemaVersion() != CacheKey.SCHEMA_VERSION) {
            throw new RejectedEntryException("schema version " + e.schemaVersion() + ", expected " + CacheKey.SCHEMA_VERSION);
        }
        if (e.key().isEmpty() || e.key().length() > MAX_KEY_CHARS) {
            throw new RejectedEntryException("key length " + e.key().length() + " outside 1.." + MAX_KEY_CHARS);
        }
        ClusterShape c = e.cluster();
        Workload w = e.workload();
        CostProfile p = e.profile();
        requireName("cluster.engine", c.engine());
        requireName("cluster.engineVersion", c.engineVersion());
        if (w.currentPartitions() > MAX_CURRENT_PARTITIONS) {
            throw new RejectedEntryException("workload.currentPartitions " + w.currentPartitions() + " above "
                    + MAX_CURRENT_PARTITIONS);
        }
        // KEEP stores the engine's own count, which may exceed what Amorsize would ever choose
        // (10,000 tiny partitions kept on 8 slots, 3 partitions holding 1 record).
        long partitionCap = e.action() == Action.KEEP
                ? w.currentPartitions()
                : Math.min(Math.max(1L, (long) c.slots() * PARTITIONS_PER_SLOT_CAP), Math.max(1L, w.records()));
        if (e.action() == Action.KEEP && e.partitions() != w.currentPartitions()) {
            throw new RejectedEntryException("KEEP with partitions " + e.partitions() + " but current partitions "
                    + w.currentPartitions());
        }
        if (e.partitions() < 1 || e.partitions() > partitionCap) {
            throw new RejectedEntryException("partitions " + e.partitions() + " outside 1.." + partitionCap
                    + " (slots " + c.slots() + ", records " + w.records() + ")");
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
            throw new RejectedEntryException("partitions " + e.partitions() + " above maxParallelism " + w.maxParallelism());
        }
        if (e.createdAtMillis() > System.currentTimeMillis() + FUTURE_TOLERANCE_MILLIS) {
            throw new RejectedEntryException("createdAt " + e.createdAtMillis() + " is in the future");
        }
    }

    private static void requireName(String name, String v) throws RejectedEntryException {
        if (v.isEmpty() || v.length() > MAX_NAME_CHARS) {
            throw new RejectedEntryException(name + " length " + v.length() + " outside 1.." + MAX_NAME_CHARS);
        }
    }

    private static void requireCost(String name, double v, boolean positive) throws RejectedEntryException {
        if (!Double.isFinite(v) || (positive ? !(v > 0) : !(v >= 0)) || v > MAX_NANOS) {
            throw new RejectedEntryException(name + " " + v + " outside " + (positive ? "(0" : "[0") + ", " + MAX_NANOS + "]");
        }
    }

    private static void requireRange(String name, double v, double min, double max) throws RejectedEntryException {
        if (!Double.isFinite(v) || v < min || v > max) {
            throw new RejectedEntryException(name + " " + v + " outside [" + min + ", " + max + "]");
        }
    }

    static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        String firstLine = s.lines().findFirst().orElse("");
        return firstLine.length() <= 160 ? firstLine : firstLine.substring(0, 160) + "...";
    }

    // ------------------------------------------------------------------ HMAC

    private byte[] mac(String key, CacheEntry e) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            mac.update(key.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            return mac.doFinal(canonical(e).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    /** The MAC'd payload: one line per field, doubles as IEEE-754 bits, strings length-prefixed. */
    static String canonical(CacheEntry e) {
        StringBuilder sb = new StringBuilder(512);
        line(sb, "schema", e.schemaVersion());
        str(sb, "key", e.key());
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

    // ------------------------------------------------------------------ Jackson

    private static ObjectMapper strictMapper() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING)
                        .maxNumberLength(64)
                        .maxNameLength(256)
                        .maxDocumentLength(MAX_BYTES)
                        .build())
                .build();
        JsonMapper mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY,
                        DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT,
                        DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                        DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS,
                        DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL,
                        DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE,
                        DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS,
                        MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES,
                        MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(MapperFeature.BLOCK_UNSAFE_POLYMORPHIC_BASE_TYPES)
                // Every field is required and non-null unless a component says otherwise
                // (FAIL_ON_NULL_CREATOR_PROPERTIES would also forbid the two nullable ones).
                .defaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL))
                .build();
        mapper.coercionConfigDefaults()
                .setAcceptBlankAsEmpty(false)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail);
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Enum).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        // Doubles read JSON integers (1200 -> 1200.0); that is not a coercion of meaning.
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return mapper;
    }


    /** Decodes UTF-8, refusing malformed input instead of replacing it (shared with the file store). */
    static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    @JsonPropertyOrder({"schema", "key", "profile", "cluster", "workload", "decision", "createdAt", "mac"})
    record Wire(int schema, String key, WireProfile profile, WireCluster cluster, WireWorkload workload,
                WireDecision decision, long createdAt, String mac) {

        static Wire of(CacheEntry e, String mac) {
            CostProfile p = e.profile();
            BatchFit f = p.batchFit();
            WireFit fit = f == null ? null
                    : new WireFit(f.fixedNanos(), f.perRecordNanos(), f.points(), Double.isNaN(f.rSquared()) ? null : f.rSquared());
            ClusterShape c = e.cluster();
            Workload w = e.workload();
            return new Wire(e.schemaVersion(), e.key(),
                    new WireProfile(p.sampleSize(), p.steadyState(), p.meanNanos(), p.p50Nanos(), p.p95Nanos(),
                            p.p99Nanos(), p.maxNanos(), p.cv(), p.cpuNanos(), p.inputBytes(), p.outputBytes(),
                            p.allocatedBytes(), p.partitionSkew(), fit),
                    new WireCluster(c.engine(), c.engineVersion(), c.slots(), c.memoryPerSlotBytes(), c.perTaskOverheadNanos(),
                            c.cores() == c.slots() ? null : c.cores()),
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
                    cluster.cores() == null ? Math.max(1, cluster.slots()) : cluster.cores());
            Workload w = new Workload(
                    new Workload.RecordCount(workload.records(), workload.recordsExact(), workload.relativeError()),
                    new Workload.Partitions(workload.currentPartitions(), workload.largestPartitionShare()),
                    new Workload.Limits(workload.maxParallelism(), workload.preferDivisorsOfMax()));
            return new CacheEntry(schema, key, cost, c, w, decision.partitions(), decision.batchSize(),
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

    /** {@code cores}: optional (absent = one core per slot; null is rejected), else 1..{@link ClusterShape#MAX_CORES}. */
    @JsonPropertyOrder({"engine", "engineVersion", "slots", "memoryPerSlotBytes", "perTaskOverheadNanos", "cores"})
    record WireCluster(String engine, String engineVersion, int slots, long memoryPerSlotBytes, double perTaskOverheadNanos,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @JacksonInject(value = ABSENT, useInput = OptBoolean.TRUE) Integer cores) {
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
