package io.amorsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.model.ClusterShape;
import io.amorsize.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every decision line that README.md or docs/*.md quote (the INFO log line, the explanation's
 * headline and labels, the fallback explanation) has the shape of what the code prints today: the
 * test runs a real decision, captures its INFO line and explanation, and compares them with the quoted
 * text after replacing numbers, units, actions and the profile's origin by placeholders. A changed
 * format string fails here until the docs follow.
 */
class DocsLogLinesTest {

    private static final Pattern INLINE = Pattern.compile("`(amorsize: [^`]+)`");
    private static final Pattern BLOCK_LINE = Pattern.compile("(?m)^(amorsize: .+)$");
    private static final Pattern LOG_LINE =
            Pattern.compile("^amorsize: \\d+ -> \\d+ partitions \\(\\w+\\), batch \\d+ \\(");
    private static final Pattern HEADLINE = Pattern.compile(
            "^amorsize: (\\d+ -> \\d+ partitions \\(\\w+\\)|keep \\d+ partitions?), batch \\d+; predicted ");
    private static final String FALLBACK = "amorsize: kept the engine's partitioning";
    private static final ClusterShape SIXTY_FOUR = new ClusterShape("spark", "4.1.1", 64, 2L << 30, 20e6);

    private static String realLogLine;
    private static String realExplain;
    private static String realFallback;

    @BeforeAll
    static void runOneDecision() {
        // ~50 µs per record (20x more for every 500th), 20,000 records in one partition: about 1 s of
        // work that a 64-slot cluster spreads out, as in the docs' examples.
        long salt = System.nanoTime(); // a fresh fingerprint: measured, not a cache hit
        RecordFunction<Integer, Long> fn = x -> spin(x, x % 500 == 0 ? 600_000 : 30_000) + salt;
        List<Integer> input = IntStream.range(0, 20_000).boxed().toList();
        try (LogCapture logs = LogCapture.start("io.amorsize")) {
            Recommendation r = Amorsize.recommend(input, fn, SIXTY_FOUR);
            assertEquals(Source.COMPUTED, r.source(), r.explain());
            assertEquals(Action.REPARTITION, r.action(), r.explain());
            List<String> info = logs.at(Level.INFO).stream()
                    .map(LogCapture.Line::message)
                    .filter(m -> LOG_LINE.matcher(m).find())
                    .toList();
            assertEquals(1, info.size(), logs.lines().toString());
            realLogLine = info.get(0);
            realExplain = r.explain();
        }
        // throws on every record: the decision-driven stop may end measuring before any given record
        RecordFunction<Integer, Integer> throwing = x -> 1 / (x - x);
        Recommendation fallback =
                Amorsize.recommend(IntStream.range(0, 100).boxed().toList(), throwing, SIXTY_FOUR);
        assertEquals(Source.DEFAULT_FALLBACK, fallback.source(), fallback.explain());
        realFallback = fallback.explain();
    }

    /** The measuring spend at the end of a measured decision's INFO line. */
    private static final Pattern SPEND =
            Pattern.compile("; measured [\\d,]+ records? in \\d+ (?:partition|task)s?, \\d+ ms; stopped: [a-z %0-9]+$");

    private static String withoutSpend(String line) {
        return SPEND.matcher(line).replaceFirst("");
    }

    @Test
    void quotedLogLinesHaveTheShapeOfTheRealOne() throws IOException {
        // (a measured decision's line may end with the measuring spend; engines word it per task or partition)
        List<String> quoted =
                quoted().stream().filter(q -> LOG_LINE.matcher(q).find()).toList();
        assertTrue(quoted.size() >= 3, "README, EXPLAIN.md, SPARK.md and FLINK.md quote the INFO line: " + quoted);
        String stripped = realLogLine.replaceFirst("; \\d+ warning\\(s\\), see explain\\(\\)$", "");
        assertTrue(SPEND.matcher(stripped).find(), "a measured decision's line shows the spend: " + realLogLine);
        String real = shape(withoutSpend(stripped));
        for (String q : quoted) {
            assertEquals(real, shape(withoutSpend(q)), "quoted: " + q + "\nlogged: " + realLogLine);
        }
    }

    @Test
    void quotedExplanationHeadlinesAndLabelsMatchTheRealExplanation() throws IOException {
        List<String> quoted =
                quoted().stream().filter(q -> HEADLINE.matcher(q).find()).toList();
        assertTrue(quoted.size() >= 2, "README and EXPLAIN.md quote a headline: " + quoted);
        String real = shape(realExplain.lines().findFirst().orElseThrow());
        for (String q : quoted) {
            assertEquals(
                    real,
                    shape(q),
                    "quoted: " + q + "\nexplain(): "
                            + realExplain.lines().findFirst().orElseThrow());
        }
        Set<String> realLabels = labels(realExplain);
        Matcher block = Pattern.compile("(?s)```\\n(amorsize: .*?)```").matcher(read("docs/EXPLAIN.md"));
        assertTrue(block.find(), "EXPLAIN.md's sample explanation");
        Set<String> docLabels = labels(block.group(1));
        assertFalse(docLabels.isEmpty());
        for (String label : docLabels) {
            assertTrue(
                    realLabels.contains(label), "EXPLAIN.md shows label '" + label + "', explain() has " + realLabels);
        }
    }

    @Test
    void quotedFallbackExplanationHasTheShapeOfTheRealOne() throws IOException {
        List<String> quoted =
                quoted().stream().filter(q -> q.startsWith(FALLBACK)).toList();
        assertFalse(quoted.isEmpty(), "EXPLAIN.md quotes a fallback explanation");
        for (String q : quoted) {
            assertEquals(shape(realFallback), shape(q), "quoted: " + q + "\nexplain(): " + realFallback);
        }
    }

    @Test
    void everyQuotedAmorsizeLineIsOneOfTheCheckedKinds() throws IOException {
        for (String q : quoted()) {
            boolean known = LOG_LINE.matcher(q).find()
                    || HEADLINE.matcher(q).find()
                    || q.startsWith(FALLBACK)
                    || q.equals("amorsize: ...");
            assertTrue(known, "a quoted line this test does not check; add its kind here: " + q);
        }
    }

    /** Numbers, units, actions and the profile's origin become placeholders; whitespace is collapsed. */
    static String shape(String line) {
        String s = line.trim().replaceAll("\\s+", " ");
        s = s.replaceAll("\\b(KEEP|COALESCE|REPARTITION)\\b", "ACTION");
        s = s.replaceAll("\\((measured|redis hit|file hit),", "(ORIGIN,");
        s = s.replaceAll("java\\.lang\\.\\w+Exception: [^#]*", "EXCEPTION ");
        s = s.replaceAll("\\d[\\d,]*(\\.\\d+)?", "#");
        s = s.replaceAll("# (µs|ms|s)(?=[ ,;)]|$)", "# UNIT");
        return s;
    }

    /** The "label :" column of an explanation (lines indented by two spaces). */
    static Set<String> labels(String explanation) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^  (\\w[\\w ]*?)\\s+: ").matcher(explanation);
        while (m.find()) {
            labels.add(m.group(1).trim());
        }
        return labels;
    }

    /** Inline-code and code-block lines starting with "amorsize: " in README.md and docs/*.md. */
    static List<String> quoted() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : docs()) {
            String text = Files.readString(p);
            Matcher inline = INLINE.matcher(text);
            while (inline.find()) {
                out.add(inline.group(1).replaceAll("\\s+", " "));
            }
            Matcher block = BLOCK_LINE.matcher(text);
            while (block.find()) {
                if (!block.group(1).contains("`")) {
                    out.add(block.group(1).trim());
                }
            }
        }
        return out;
    }

    static List<Path> docs() throws IOException {
        Path root = root();
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    static String read(String relative) throws IOException {
        return Files.readString(root().resolve(relative));
    }

    static Path root() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("docs"))) {
            root = root.getParent();
        }
        assertTrue(root != null, "docs/ not found above " + Path.of("").toAbsolutePath());
        return root;
    }

    private static long spin(int x, int rounds) {
        long h = x;
        for (int i = 0; i < rounds; i++) {
            h = h * 6364136223846793005L + 1442695040888963407L;
        }
        return h;
    }
}
