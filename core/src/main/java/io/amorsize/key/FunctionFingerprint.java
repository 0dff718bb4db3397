package io.amorsize.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable identity of a user function across JVM runs: changes when its code or its captured
 * values change.
 *
 * <p>{@link #of(Object)} hashes (SHA-256, first 128 bits, 32 lowercase hex characters):
 * <ul>
 *   <li>for a <b>serializable lambda</b> (any {@link java.io.Serializable} functional interface:
 *       {@code RecordFunction}, Spark's {@code Function}, Flink's {@code MapFunction}, ...): its
 *       {@link java.lang.invoke.SerializedLambda} &mdash; implementation class, method name and
 *       signature, functional interface and method &mdash; plus the bytecode of the implementing
 *       class read from its class loader, plus the captured arguments (Java-serialized; a captured
 *       lambda is fingerprinted recursively);</li>
 *   <li>for any <b>other object</b>: its class name and the bytecode of its class and superclasses
 *       (up to the first JDK class), plus its Java-serialized state when it is Serializable, plus
 *       the fingerprints of function objects held in its fields (so an engine adapter wrapping the
 *       user's lambda in its own class is covered).</li>
 * </ul>
 *
 * <p>The fingerprint is <b>conservative</b>: a change anywhere in the implementing class (another
 * method, a constant, a line number) changes it, although only the function's own code matters.
 * It does <b>not</b> cover code in other classes that the function calls, so bump an explicit
 * {@link #of(String, String) version} when such code changes. State that cannot be serialized
 * (captured non-serializable objects, non-serializable lambdas) is represented by its class name
 * only, and one WARN line says that captured values are not covered; so is state whose Java
 * serialization is not deterministic (e.g. a HashSet of objects with identity hash codes).
 *
 * <p>The token never contains {@code ':'}, so it can be embedded in a cache key.
 */
public final class FunctionFingerprint {

    /** Hex characters in a fingerprint (128 bits). */
    public static final int LENGTH = 32;

    private FunctionFingerprint() {}

    /**
     * Fingerprint of a function object (serializable lambda, or any class).
     *
     * @throws IllegalArgumentException if {@code function} is null
     */
    public static String of(Object function) {
        if (function == null) {
            throw new IllegalArgumentException("function must not be null");
        }
        MessageDigest digest = sha256();
        new FingerprintWriter(digest).function(function);
        return hex(digest.digest());
    }

    /**
     * Fingerprint from an explicit user-given id and version, for functions whose code the
     * automatic fingerprint cannot see (or to share a profile across code changes on purpose).
     * Distinct from every {@link #of(Object)} token.
     *
     * @throws IllegalArgumentException if {@code id} or {@code version} is null or blank
     */
    public static String of(String id, String version) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must not be null or blank");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version must not be null or blank");
        }
        MessageDigest digest = sha256();
        FingerprintWriter.string(digest, "amorsize-fingerprint-explicit-v1");
        FingerprintWriter.string(digest, id);
        FingerprintWriter.string(digest, version);
        return hex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String hex(byte[] hash) {
        StringBuilder sb = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH / 2; i++) {
            sb.append(Character.forDigit((hash[i] >> 4) & 0xF, 16)).append(Character.forDigit(hash[i] & 0xF, 16));
        }
        return sb.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
