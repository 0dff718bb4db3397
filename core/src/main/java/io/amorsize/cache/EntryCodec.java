package io.amorsize.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.amorsize.model.Observation;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * Turns a {@link CacheEntry} into the bytes stored in Redis and in the local file, and back, with
 * strict validation: whatever comes back from a store is untrusted input.
 *
 * <h2>Format</h2>
 * UTF-8 JSON, one object, every field required, in this order (the order is not required on read):
 * <pre>{@code
 * {"schema":1,                                   // EntryFormat.SCHEMA_VERSION
 *  "key":"amorsize:v1:fn:n20:spark-4.1.1-s8-m30", // the key the entry was written under
 *  "profile":{"sampleSize":200,"steadyState":true,"meanNanos":1200.0,"p50Nanos":1100.0,
 *             "p95Nanos":1900.0,"p99Nanos":2500.0,"maxNanos":4000.0,"cv":0.3,"cpuNanos":-1.0,
 *             "inputBytes":64.0,"outputBytes":16.0,"allocatedBytes":-1.0,"partitionSkew":1.0,
 *             "batchFit":null | {"fixedNanos":5.0E5,"perRecordNanos":900.0,"points":3,
 *                                "rSquared":0.99 | null}},   // null rSquared = not computable
 *  "cluster":{"engine":"spark","engineVersion":"4.1.1","slots":8,"memoryPerSlotBytes":1073741824,
 *             "perTaskOverheadNanos":2000000.0,
 *             "cores":4,                         // optional: absent = one core per slot
 *             "cpuClass":"amd64-4c"},            // optional: absent = unknown (entries before it)
 *  "workload":{"records":1000000,"recordsExact":true,"relativeError":0.0,"currentPartitions":4,
 *              "largestPartitionShare":0.25,"maxParallelism":0,"preferDivisorsOfMax":false},
 *  "decision":{"partitions":16,"batchSize":1,"action":"REPARTITION"},  // KEEP|COALESCE|REPARTITION
 *  "createdAt":1795000000000,                     // epoch millis
 *  "mac":"" | "<64 lowercase hex digits>",        // HMAC-SHA256, "" when written without a secret
 *  "history":[{"id":123,"at":1795000000000,"partitions":16,"action":"REPARTITION",
 *              "batchSize":1,"correctedBy":0,
 *              "predictedNanos":2.1E9,"observedNanos":2.4E9,"records":100000,"costNanos":950.0,
 *              "overheadNanos":2000000.0,"spread":1.1,"mac":""}, ...]}  // optional, last
 * }</pre>
 * {@code history} (observations of runs this entry shaped, oldest first, at most
 * {@value CacheEntry#MAX_HISTORY}) is optional, written only when non-empty, and always last, so
 * Redis can append to it server-side; entries written before feedback existed decode unchanged.
 * Each observation carries its own {@code mac} over the key and its fields; the entry's MAC does not
 * cover the history.
 * Only {@code batchFit} and {@code rSquared} may be {@code null}; they must still be present.
 * {@code cluster.cores} and {@code cluster.cpuClass} are the optional fields: cores written only when
 * they differ from the slots, the CPU class only when known, so entries without them read the same
 * in older versions and older entries decode unchanged.
 *
 * <h2>What is rejected</h2>
 * More than {@value #MAX_BYTES} bytes (checked before parsing); invalid UTF-8; nesting deeper than
 * {@value #MAX_DEPTH}; strings longer than {@value #MAX_STRING} chars; duplicate, unknown, missing
 * or null fields; trailing tokens; numbers where strings are expected and vice versa; floats where
 * integers are expected (3.9 or 1e9 for an int); quoted numbers ("4000000"); numeric enum values;
 * type ids such as {@code @class} (no default or polymorphic typing anywhere); NaN/Infinity.
 * Then the values: schema version other than {@link EntryFormat#SCHEMA_VERSION}; a stored key other
 * than the key it was read under; anything a record constructor refuses; partitions outside
 * 1..max(1, slots×64) or above max(1, records) (a KEEP must equal the workload's current partitions,
 * at most {@value EntryBounds#MAX_CURRENT_PARTITIONS}); batch size outside 1..max(1, records); costs not
 * finite and positive or above {@value EntryBounds#MAX_NANOS} ns; sizes and CPU time below -1 or above
 * {@value EntryBounds#MAX_BYTES_PER_RECORD}; a created-at more than a day in the future; a control
 * character (C0, DEL, C1, U+2028, U+2029) in the key or a name.
 *
 * <h2>HMAC</h2>
 * With a secret, {@code mac} is the lowercase hex HMAC-SHA256 of
 * {@code UTF-8(key) + "\n" + canonical payload}, where the canonical payload is a line per field
 * in the order above with doubles as the hex of their IEEE-754 bits (so the MAC does not depend on
 * how a JSON library prints numbers) and strings length-prefixed. On read with a secret, a missing,
 * malformed or wrong MAC is rejected (constant-time comparison); an entry copied under another key
 * fails both the key check and the MAC. Without a secret the MAC is not checked.
 *
 * <p>The parts: {@link EntryWire} (the JSON records), {@link EntryBounds} (the value checks),
 * {@link EntrySigner} (the HMAC) and {@link StrictJson} (the Jackson configuration shared with the
 * file store). Thread-safe; build one per store.
 */
public final class EntryCodec {

    /** Size cap of one encoded entry, checked before parsing. */
    public static final int MAX_BYTES = 64 * 1024;

    static final int MAX_DEPTH = 16;
    static final int MAX_STRING = 4096;

    private static final ObjectMapper MAPPER =
            StrictJson.mapper(new StrictJson.Limits(MAX_DEPTH, MAX_STRING, 64, 256, MAX_BYTES));
    private static final ObjectReader READER = MAPPER.readerFor(EntryWire.Wire.class)
            .with(new InjectableValues.Std()
                    .addValue(EntryWire.ABSENT, null)
                    .addValue(EntryWire.ABSENT_CPU_CLASS, null));
    private static final ObjectWriter WRITER = MAPPER.writerFor(EntryWire.Wire.class);
    private static final ObjectWriter OBSERVATION_WRITER = MAPPER.writerFor(EntryWire.WireObservation.class);

    private final EntrySigner signer;
    private final Clock clock;
    private final String secretId;

    /**
     * @param hmacSecretOrNull HMAC-SHA256 secret (copied; at least 1 byte), or {@code null} to
     *                         write unsigned entries and not check MACs on read
     */
    public EntryCodec(byte[] hmacSecretOrNull) {
        this(hmacSecretOrNull, Clock.systemUTC());
    }

    /** As {@link #EntryCodec(byte[])} with the wall clock that bounds created-at (tests). */
    public EntryCodec(byte[] hmacSecretOrNull, Clock clock) {
        if (hmacSecretOrNull != null && hmacSecretOrNull.length == 0) {
            throw new IllegalArgumentException("hmacSecret must not be empty (use null for no secret)");
        }
        this.signer = hmacSecretOrNull == null ? null : new EntrySigner(hmacSecretOrNull);
        this.secretId = CacheTarget.secretId(hmacSecretOrNull);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A codec with a UTF-8 text secret, or none when {@code secretOrNull} is null or empty. */
    public static EntryCodec withSecret(String secretOrNull) {
        return new EntryCodec(
                secretOrNull == null || secretOrNull.isEmpty() ? null : secretOrNull.getBytes(StandardCharsets.UTF_8));
    }

    /** An id of the secret that does not reveal it ({@link CacheTarget#secretId(byte[])}). */
    public String secretId() {
        return secretId;
    }

    /** True when entries are signed and MACs checked. */
    public boolean signed() {
        return signer != null;
    }

    /**
     * Encodes {@code entry} for storage under the rendered {@code key}, signing it when a secret is
     * configured.
     *
     * @throws IllegalArgumentException if {@code key} is not the rendering of {@code entry.key()}, or the
     *                                  entry breaks a bound that {@link #decode} would reject (so nothing
     *                                  unreadable is ever written)
     */
    public byte[] encode(String key, CacheEntry entry) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entry, "entry");
        if (!EntryFormat.keyOf(key).equals(entry.key())) {
            throw new IllegalArgumentException("entry.key " + entry.key() + " differs from key '" + key + "'");
        }
        try {
            EntryBounds.check(key, entry, clock.millis());
        } catch (RejectedEntryException e) {
            throw new IllegalArgumentException("entry: " + e.getMessage());
        }
        EntryWire.Wire wire = EntryWire.Wire.of(key, entry, signer == null ? "" : signer.sign(key, entry), signer);
        try {
            byte[] bytes = WRITER.writeValueAsBytes(wire);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(
                        "entry: encoded size " + bytes.length + " exceeds " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode cache entry: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Decodes and validates bytes read under the rendered {@code expectedKey}.
     *
     * @throws RejectedEntryException on anything suspicious; the caller treats it as a miss
     */
    public CacheEntry decode(String expectedKey, byte[] bytes) throws RejectedEntryException {
        Objects.requireNonNull(expectedKey, "expectedKey");
        if (bytes == null) {
            throw new RejectedEntryException("no bytes");
        }
        if (bytes.length > MAX_BYTES) {
            throw new RejectedEntryException(
                    "entry of " + bytes.length + " bytes exceeds the " + MAX_BYTES + "-byte cap");
        }
        if (bytes.length == 0) {
            throw new RejectedEntryException("empty entry");
        }
        String text;
        try {
            text = StrictJson.strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new RejectedEntryException("not valid UTF-8");
        }
        EntryWire.Wire wire;
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
        if (wire.schema() != EntryFormat.SCHEMA_VERSION) {
            throw new RejectedEntryException(
                    "schema version " + wire.schema() + ", expected " + EntryFormat.SCHEMA_VERSION);
        }
        if (!expectedKey.equals(wire.key())) {
            throw new RejectedEntryException(
                    "stored under '" + shorten(expectedKey) + "' but written for '" + shorten(wire.key()) + "'");
        }
        CacheEntry entry;
        try {
            entry = wire.toEntry(wire.observations(expectedKey, signer));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RejectedEntryException("out of range: " + shorten(String.valueOf(e.getMessage())));
        }
        EntryBounds.check(expectedKey, entry, clock.millis());
        if (signer != null) {
            signer.verify(expectedKey, entry, wire.mac());
        }
        return entry;
    }

    /**
     * One observation as the JSON object stored in an entry's {@code history} (signed when a secret
     * is configured): what Redis appends server-side.
     *
     * @throws IllegalArgumentException when the observation breaks a bound {@link #decode} rejects
     */
    public byte[] encodeObservation(String key, Observation o) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(o, "observation");
        try {
            EntryBounds.check(o, clock.millis());
        } catch (RejectedEntryException e) {
            throw new IllegalArgumentException("observation: " + e.getMessage());
        }
        try {
            return OBSERVATION_WRITER.writeValueAsBytes(
                    EntryWire.WireObservation.of(o, signer == null ? "" : signer.sign(key, o)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an observation: " + e.getOriginalMessage(), e);
        }
    }

    /** The MAC'd payload of {@code entry} under {@code key} (see {@link EntrySigner}). */
    static String canonical(String key, CacheEntry entry) {
        return EntrySigner.canonical(key, entry);
    }

    static String shorten(String s) {
        return StrictJson.shorten(s);
    }

    @Override
    public String toString() {
        return "EntryCodec{" + (signer == null ? "unsigned" : "HMAC-SHA256") + "}";
    }
}
