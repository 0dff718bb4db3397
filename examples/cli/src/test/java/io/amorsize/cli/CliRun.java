package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the CLI in-process with captured stdout / stderr. */
record CliRun(int code, String out, String err) {

    static CliRun run(StoreOpener opener, Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(o, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            code = AmorsizeCli.run(
                    args, opener, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err);
        }
        return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Exit code as expected, and stderr is at most one error line plus the usage hint, with no stack trace. */
    CliRun assertFailsCleanly(int expectedCode) {
        assertEquals(expectedCode, code, () -> "exit code; out=" + out + " err=" + err);
        assertNoStackTrace();
        long errorLines = err.lines().filter(l -> l.startsWith("amorsize: ")).count();
        assertEquals(1, errorLines, () -> "exactly one error line expected, got: " + err);
        return this;
    }

    CliRun assertOk() {
        assertEquals(0, code, () -> "exit code; out=" + out + " err=" + err);
        assertNoStackTrace();
        return this;
    }

    void assertNoStackTrace() {
        for (String s : new String[] {out, err}) {
            assertFalse(
                    s.contains("\tat ")
                            || s.matches("(?s).*\\bat [a-z]+\\.[a-zA-Z.$]+\\(.*")
                            || s.contains("Caused by"),
                    () -> "stack trace printed: " + s);
        }
    }
}
