package io.amorsize.cache;

/**
 * A stored entry failed validation (size, JSON syntax, schema, bounds, key mismatch or HMAC) and
 * must be treated as a miss: never used, never copied to another store. The message says why in a
 * few words; it never contains a secret and at most a short excerpt of the offending value, never
 * the whole payload.
 */
public final class RejectedEntryException extends Exception {
    private static final long serialVersionUID = 1L;

    public RejectedEntryException(String message) {
        super(message);
    }
}
