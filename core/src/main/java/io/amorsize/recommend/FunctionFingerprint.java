package io.amorsize.recommend;

/**
 * Stable identity of a user function across JVM runs: changes when its code or its captured
 * values change.
 */
public final class FunctionFingerprint {

    private FunctionFingerprint() {
    }

    /** Fingerprint of a function object (serializable lambda, or any class). */
    public static String of(Object function) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Fingerprint from an explicit user-given id and version. */
    public static String of(String id, String version) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
