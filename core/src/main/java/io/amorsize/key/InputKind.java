package io.amorsize.key;

import java.util.Locale;

/**
 * What an engine knows about an input before any job runs, and so which {@link InputShape#bucket()}
 * its cache key carries. This is the one place where an input becomes the key's input part: the
 * engine adapters, {@code WorkloadSpec} (prewarming) and the CLI's {@code prewarm} all build the
 * shape through {@link #shape}, so a prewarmed entry is exactly what a later look-up reads.
 *
 * <table>
 *   <caption>Inputs and their key part</caption>
 *   <tr><th>kind</th><th>inputs</th><th>key part</th></tr>
 *   <tr><td>{@link #RECORDS}</td><td>core {@code Amorsize.recommend(list, ...)}, Spark {@code parallelize},
 *       Flink {@code tune(env, sample, fn, expectedRecords)}</td><td>{@code n<k>}</td></tr>
 *   <tr><td>{@link #FILES}</td><td>Spark {@code textFile} / Hadoop file inputs, Flink
 *       {@code tune(env, Path, fn)}: bytes known, records not</td><td>{@code B<k>}</td></tr>
 *   <tr><td>{@link #UNKNOWN_SIZE}</td><td>Spark RDDs with neither known</td><td>{@code p<k>}</td></tr>
 * </table>
 */
public enum InputKind {
    /** The record count is known before running (bytes too, when {@code bytes >= 0}: {@code n<k>-b<k>}). */
    RECORDS,
    /** Only the input's total bytes are known (file splits); the record count needs a job. */
    FILES,
    /** Neither records nor bytes are known: the partition count stands in. */
    UNKNOWN_SIZE;

    /**
     * The key's input part for an input of this kind. What the kind does not know is dropped:
     * {@link #FILES} ignores {@code records}, {@link #UNKNOWN_SIZE} both counts.
     *
     * @param records    records (>= 0) for {@link #RECORDS}; otherwise ignored
     * @param bytes      total input bytes (>= 0) for {@link #FILES}; -1 or the bytes for {@link #RECORDS}
     * @param partitions the input's partitions as the engine sees them (>= 1)
     * @throws IllegalArgumentException when the kind's count is missing
     */
    public InputShape shape(long records, long bytes, int partitions) {
        return switch (this) {
            case RECORDS -> {
                if (records < 0) {
                    throw new IllegalArgumentException("a RECORDS input needs a record count >= 0, got " + records);
                }
                yield new InputShape(records, bytes, partitions);
            }
            case FILES -> {
                if (bytes < 0) {
                    throw new IllegalArgumentException("a FILES input needs its total bytes >= 0, got " + bytes);
                }
                yield new InputShape(-1, bytes, partitions);
            }
            case UNKNOWN_SIZE -> new InputShape(-1, -1, partitions);
        };
    }

    /** The kind of an input with these known counts (-1 = unknown): records known, else bytes, else neither. */
    public static InputKind of(long knownRecords, long knownBytes) {
        return knownRecords >= 0 ? RECORDS : knownBytes >= 0 ? FILES : UNKNOWN_SIZE;
    }

    /** {@link #of(long, long)}, then {@link #shape}: the key part of an input an engine describes by its counts. */
    public static InputShape describe(long knownRecords, long knownBytes, int partitions) {
        return of(knownRecords, knownBytes).shape(knownRecords, knownBytes, partitions);
    }

    /** The name as written in a prewarm file: {@code records}, {@code files}, {@code unknown-size}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The kind named by {@link #label()} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static InputKind fromLabel(String label) {
        for (InputKind k : values()) {
            if (k.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("input must be one of records, files, unknown-size; got '" + label + "'");
    }
}
