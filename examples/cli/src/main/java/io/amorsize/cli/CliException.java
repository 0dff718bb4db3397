package io.amorsize.cli;

/** A failure the CLI reports as one line on stderr with its exit code; never printed with a stack trace. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad command line or bad input file: exit code 2. */
    static CliException usage(String message) {
        return new CliException(message, AmorsizeCli.EXIT_USAGE);
    }

    /** The operation or a check failed: exit code 1. */
    static CliException failed(String message) {
        return new CliException(message, AmorsizeCli.EXIT_FAILED);
    }

    int exitCode() {
        return exitCode;
    }
}
