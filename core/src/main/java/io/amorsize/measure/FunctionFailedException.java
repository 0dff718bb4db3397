package io.amorsize.measure;

/**
 * The user function threw on a sampled record. Carries the record's index in the sample; the
 * message names the exception type and message, never the record's content.
 */
public class FunctionFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long recordIndex;

    public FunctionFailedException(long recordIndex, Throwable cause) {
        super(
                "user function threw " + cause.getClass().getName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                        + " on sampled record #" + recordIndex,
                cause);
        this.recordIndex = recordIndex;
    }

    /** Index of the failing record in the sample (0-based). */
    public long recordIndex() {
        return recordIndex;
    }
}
