package io.amorsize;

/**
 * Tuning failed and strict mode is on. Outside strict mode Amorsize never throws this: it returns a
 * {@link Source#DEFAULT_FALLBACK} recommendation and logs one WARN line instead.
 */
public class AmorsizeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AmorsizeException(String message) {
        super(message);
    }

    public AmorsizeException(String message, Throwable cause) {
        super(message, cause);
    }
}
