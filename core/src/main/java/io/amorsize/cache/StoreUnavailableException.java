package io.amorsize.cache;

/**
 * The store could not be reached in time (connection refused, timeout, pool exhausted, circuit
 * open). This is the family the fallback store reacts to; a server error or a bad entry is not.
 * Messages never contain credentials.
 */
public class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
