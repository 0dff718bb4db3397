package io.amorsize.cache;

/**
 * The store answered, but with an error (for Redis: {@code NOPERM}, {@code WRONGTYPE},
 * {@code READONLY}, an unknown command...). Unlike {@link StoreUnavailableException} this is not a
 * reason to fall back to the local file: it is a configuration or permission problem that retrying
 * elsewhere would hide. Messages never contain credentials.
 */
public class StoreServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
