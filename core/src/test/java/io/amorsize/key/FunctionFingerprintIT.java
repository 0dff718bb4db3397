package io.amorsize.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.RecordFunction;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FunctionFingerprintIT {

    /** A Serializable functional interface that is not RecordFunction, as Spark's and Flink's are. */
    @FunctionalInterface
    interface EngineFunction<T, R> extends Serializable {
        R call(T t) throws Exception;
    }

    static RecordFunction<Integer, Integer> times(int k) {
        return x -> x * k;
    }

    static RecordFunction<Integer, Integer> timesTwo() {
        return x -> x * 2;
    }

    static RecordFunction<Integer, Integer> timesThree() {
        return x -> x * 3;
    }

    /** Fingerprints printed by the child JVM, one per line. */
    static List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        out.add(FunctionFingerprint.of(timesTwo()));
        out.add(FunctionFingerprint.of(timesThree()));
        out.add(FunctionFingerprint.of(times(2)));
        out.add(FunctionFingerprint.of((EngineFunction<String, Integer>) String::length));
        out.add(FunctionFingerprint.of(new Wrapper(times(5))));
        out.add(FunctionFingerprint.of("id", "v1"));
        return out;
    }

    /** Entry point of the child JVMs. */
    public static final class ChildMain {
        public static void main(String[] args) {
            for (String f : fingerprints()) {
                System.out.println(f);
            }
        }
    }

    /** An adapter-style wrapper holding the user's function in a field. */
    static final class Wrapper implements RecordFunction<Integer, Integer> {
        private static final long serialVersionUID = 1L;
        private final RecordFunction<Integer, Integer> inner;

        Wrapper(RecordFunction<Integer, Integer> inner) {
            this.inner = inner;
        }

        @Override
        public Integer apply(Integer record) throws Exception {
            return inner.apply(record);
        }
    }

    static final class Multiplier implements RecordFunction<Integer, Integer> {
        private static final long serialVersionUID = 1L;
        private final int k;

        Multiplier(int k) {
            this.k = k;
        }

        @Override
        public Integer apply(Integer record) {
            return record * k;
        }
    }

    /** Not serializable: a captured value the fingerprint cannot see. */
    static final class Opaque {
        final int k;

        Opaque(int k) {
            this.k = k;
        }
    }

    @Test
    void differentCodeGivesDifferentFingerprints() {
        assertNotEquals(FunctionFingerprint.of(timesTwo()), FunctionFingerprint.of(timesThree()));
    }

    @Test
    void differentCapturedValuesGiveDifferentFingerprints() {
        assertNotEquals(FunctionFingerprint.of(times(2)), FunctionFingerprint.of(times(3)));
        assertEquals(FunctionFingerprint.of(times(2)), FunctionFingerprint.of(times(2)));
        assertNotEquals(FunctionFingerprint.of(new Multiplier(2)), FunctionFingerprint.of(new Multiplier(3)));
        assertEquals(FunctionFingerprint.of(new Multiplier(2)), FunctionFingerprint.of(new Multiplier(2)));
    }

    @Test
    void sameFunctionGivesTheSameFingerprintInOneJvm() {
        assertEquals(FunctionFingerprint.of(timesTwo()), FunctionFingerprint.of(timesTwo()));
        assertEquals(fingerprints(), fingerprints());
    }

    @Test
    void anySerializableLambdaWorksAndWrappersSeeTheirContent() {
        EngineFunction<Integer, Integer> a = x -> x + 1;
        EngineFunction<Integer, Integer> b = x -> x + 2;
        assertNotEquals(FunctionFingerprint.of(a), FunctionFingerprint.of(b));
        Function<Integer, Integer> plain = (Function<Integer, Integer> & Serializable) x -> x - 1;
        assertTrue(FunctionFingerprint.of(plain).matches("[0-9a-f]{32}"));
        assertNotEquals(
                FunctionFingerprint.of(new Wrapper(timesTwo())), FunctionFingerprint.of(new Wrapper(timesThree())));
        assertNotEquals(FunctionFingerprint.of(new Wrapper(times(2))), FunctionFingerprint.of(new Wrapper(times(3))));
        // a lambda wrapping a lambda (how an adapter may wrap the user's Spark function)
        RecordFunction<Integer, Integer> inner2 = timesTwo();
        RecordFunction<Integer, Integer> inner3 = timesThree();
        RecordFunction<Integer, Integer> wrap2 = r -> inner2.apply(r);
        RecordFunction<Integer, Integer> wrap3 = r -> inner3.apply(r);
        assertNotEquals(FunctionFingerprint.of(wrap2), FunctionFingerprint.of(wrap3));
    }

    /**
     * The case that defeats a name-only fingerprint: the same class and lambda, edited from
     * {@code x * 2} to {@code x * 3} between two runs. Compiled here into separate directories and
     * loaded by separate class loaders, as two runs of the job would.
     */
    @Test
    void editedLambdaBodyInTheSameClassChangesTheFingerprint() throws Exception {
        Path v2 = compile("x * 2");
        Path v3 = compile("x * 3");
        try {
            String first = fingerprintLoadedFrom(v2);
            assertEquals(first, fingerprintLoadedFrom(v2), "same class file, another class loader");
            assertNotEquals(first, fingerprintLoadedFrom(v3));
        } finally {
            delete(v2);
            delete(v3);
        }
    }

    private static Path compile(String body) throws Exception {
        Path dir = Files.createTempDirectory("fingerprint-src");
        Path src = dir.resolve("gen/Job.java");
        Files.createDirectories(src.getParent());
        Files.writeString(
                src,
                "package gen;\n"
                        + "public class Job {\n"
                        + "  public static io.amorsize.RecordFunction<Integer, Integer> fn() {\n"
                        + "    return x -> " + body + ";\n"
                        + "  }\n"
                        + "}\n");
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "tests need a JDK (javax.tools compiler)");
        String core = Path.of(RecordFunction.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        int rc = javac.run(null, null, null, "-d", dir.toString(), "-cp", core, src.toString());
        assertEquals(0, rc, "javac failed");
        return dir;
    }

    private static String fingerprintLoadedFrom(Path dir) throws Exception {
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(
                new java.net.URL[] {dir.toUri().toURL()}, FunctionFingerprintIT.class.getClassLoader())) {
            Object fn = loader.loadClass("gen.Job").getMethod("fn").invoke(null);
            // fingerprint while the loader is open: the class file is read through it
            return FunctionFingerprint.of(fn);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    private static final class Node {
        Node next;
        final int v;

        Node(int v) {
            this.v = v;
        }
    }

    @Test
    void cyclicCapturedGraphTerminates() {
        Node a = new Node(1);
        Node b = new Node(2);
        a.next = b;
        b.next = a;
        RecordFunction<Integer, Integer> fn = x -> x + a.next.v;
        assertTrue(FunctionFingerprint.of(fn).matches("[0-9a-f]{32}"));
        b.next = new Node(3);
        Node c = new Node(1);
        c.next = new Node(2);
        RecordFunction<Integer, Integer> same = x -> x + c.next.v;
        assertNotEquals(FunctionFingerprint.of(fn), FunctionFingerprint.of(same), "different lambdas");
    }

    @Test
    void tokenIsShortLowercaseHexWithoutColon() {
        for (String f : fingerprints()) {
            assertEquals(FunctionFingerprint.LENGTH, f.length(), f);
            assertTrue(f.matches("[0-9a-f]+"), f);
        }
    }

    @Test
    void explicitIdAndVersion() {
        String a = FunctionFingerprint.of("enrich", "1");
        assertEquals(a, FunctionFingerprint.of("enrich", "1"));
        assertNotEquals(a, FunctionFingerprint.of("enrich", "2"));
        assertNotEquals(a, FunctionFingerprint.of("enrich2", "1"));
        assertNotEquals(FunctionFingerprint.of("a:b", "c"), FunctionFingerprint.of("a", "b:c"));
        assertTrue(a.matches("[0-9a-f]{32}"), a);

        IllegalArgumentException blankId =
                assertThrows(IllegalArgumentException.class, () -> FunctionFingerprint.of(" ", "1"));
        assertTrue(blankId.getMessage().contains("id"), blankId.getMessage());
        IllegalArgumentException nullVersion =
                assertThrows(IllegalArgumentException.class, () -> FunctionFingerprint.of("x", (String) null));
        assertTrue(nullVersion.getMessage().contains("version"), nullVersion.getMessage());
        IllegalArgumentException nullFn =
                assertThrows(IllegalArgumentException.class, () -> FunctionFingerprint.of((Object) null));
        assertTrue(nullFn.getMessage().contains("function"), nullFn.getMessage());
    }

    static RecordFunction<Integer, Integer> timesOpaque(Opaque o) {
        return x -> x * o.k;
    }

    @Test
    void nonSerializableUserObjectsAreCoveredThroughTheirFields() {
        assertNotEquals(
                FunctionFingerprint.of(timesOpaque(new Opaque(2))), FunctionFingerprint.of(timesOpaque(new Opaque(3))));
        assertEquals(
                FunctionFingerprint.of(timesOpaque(new Opaque(2))), FunctionFingerprint.of(timesOpaque(new Opaque(2))));
    }

    @Test
    void uncoveredCapturedStateIsWarnedOnce() {
        // java.util.Optional is not Serializable and is JDK code: its value cannot be covered
        java.util.Optional<Integer> two = java.util.Optional.of(2);
        RecordFunction<Integer, Integer> fn = x -> x * two.get();
        List<LogEvent> events = captureWarnings(() -> {
            FunctionFingerprint.of(fn);
            FunctionFingerprint.of(fn);
        });
        long warns = events.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .filter(e -> e.getMessage().getFormattedMessage().contains("captured values are not covered"))
                .count();
        assertEquals(1, warns, events::toString);
        assertTrue(FunctionFingerprint.of(fn).matches("[0-9a-f]{32}"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sameLambdaGivesTheSameFingerprintInTwoSeparateJvms() throws Exception {
        List<String> first = runChild();
        List<String> second = runChild();
        assertEquals(fingerprints().size(), first.size(), first::toString);
        assertEquals(first, second);
        assertEquals(fingerprints(), first);
        assertNotEquals(first.get(0), first.get(1));
    }

    private static List<String> runChild() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile("fingerprint-child", ".out");
        Path err = Files.createTempFile("fingerprint-child", ".err");
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-Xshare:auto",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ChildMain.class.getName())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!p.waitFor(25, TimeUnit.SECONDS)) {
                throw new AssertionError("child JVM did not finish in 25 s");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> "child failed: " + stderr);
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .toList();
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<LogEvent> captureWarnings(Runnable action) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        List<LogEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AbstractAppender appender =
                new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        events.add(event.toImmutable());
                    }
                };
        appender.start();
        String name = FunctionFingerprint.class.getName();
        LoggerConfig logger = new LoggerConfig(name, Level.WARN, false);
        logger.addAppender(appender, Level.WARN, null);
        config.addLogger(name, logger);
        ctx.updateLoggers();
        try {
            action.run();
        } finally {
            config.removeLogger(name);
            ctx.updateLoggers();
            appender.stop();
        }
        return events;
    }
}
