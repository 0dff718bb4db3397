package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.config.Settings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TextInputSamplerTest {

    private static final Settings SETTINGS = Settings.builder()
            .perCall(Map.of("sample.max-records", "2000", "sample.budget", "5s"))
            .build();

    @TempDir
    java.nio.file.Path dir;

    /** 100,000 short lines (11 bytes) followed by 40,000 long ones (101 bytes): 5.1 MB, 140,000 lines. */
    private java.nio.file.Path twoRegions(String name) throws IOException {
        java.nio.file.Path file = dir.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 100_000; i++) {
                w.write("s" + String.format("%09d", i));
                w.write('\n');
            }
            for (int i = 0; i < 40_000; i++) {
                w.write("L" + "x".repeat(90) + String.format("%09d", i));
                w.write('\n');
            }
        }
        return file;
    }

    @Test
    void spreadOffsetsEstimateTheCountAndSampleRecordsWhereTheyAre() throws Exception {
        TextSample s = TextInputSampler.sample(new Path(twoRegions("events.txt").toUri()), SETTINGS);
        assertFalse(s.exact());
        assertEquals(140_000, s.records(), 140_000 * 0.05, "estimate within 5 %: " + s.records());
        long shortLines = s.lines().stream().filter(l -> l.startsWith("s")).count();
        double shortShare = (double) shortLines / s.lines().size();
        // Reading only the first lines would give 100 % short lines; one line per offset ~21 %.
        assertEquals(100_000.0 / 140_000, shortShare, 0.08, "short share " + shortShare);
        assertTrue(
                s.lines().stream().allMatch(l -> l.length() == 10 || l.length() == 100),
                "whole lines only, no partial line at a seek offset");
        assertTrue(
                s.lines().size() >= 1000 && s.lines().size() <= 2 * 2000,
                "sample size " + s.lines().size());
        assertTrue(s.relativeError() > 0 && s.relativeError() < 0.5, "error " + s.relativeError());
        assertTrue(s.notes().get(0).contains("estimated"), s.notes().toString());
    }

    @Test
    void theSampleBudgetRunsOnTheInjectedTickerWithoutRealTimePassing() throws Exception {
        Path input = new Path(twoRegions("budget.txt").toUri());
        TextSample full = TextInputSampler.sample(input, SETTINGS, () -> 0L);
        // every reading of this ticker is 10 s later than the last: the 5 s budget is gone after one offset
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        TextSample cut = TextInputSampler.sample(input, SETTINGS, () -> now.getAndAdd(10_000_000_000L));
        assertTrue(
                cut.lines().size() < full.lines().size() / 4,
                "stopped by the fake budget: " + cut.lines().size() + " of "
                        + full.lines().size() + " lines");
        assertFalse(cut.lines().isEmpty(), "the first offset is always read");
    }

    @Test
    void aDirectoryIsReadRecursivelySkippingHiddenFilesAndSmallInputsAreCountedExactly() throws Exception {
        java.nio.file.Path sub = Files.createDirectories(dir.resolve("part=1"));
        Files.writeString(dir.resolve("a.txt"), "one\r\ntwo\r\nthree\r\n");
        Files.writeString(sub.resolve("b.txt"), "four\nfive"); // no newline at the end
        Files.writeString(dir.resolve(".hidden.txt"), "x\ny\n");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        TextSample s = TextInputSampler.sample(new Path(dir.toUri()), SETTINGS);
        assertTrue(s.exact());
        assertEquals(5, s.records());
        assertEquals(2, s.files());
        assertEquals(java.util.List.of("one", "two", "three", "four", "five"), s.lines());
    }

    @Test
    void emptyInputHasNoRecordsAndCompressedInputIsRefused() throws Exception {
        Files.writeString(dir.resolve("empty.txt"), "");
        TextSample s = TextInputSampler.sample(new Path(dir.resolve("empty.txt").toUri()), SETTINGS);
        assertEquals(0, s.records());
        assertTrue(s.exact());
        Files.write(dir.resolve("x.gz"), new byte[] {31, -117, 8});
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TextInputSampler.sample(new Path(dir.resolve("x.gz").toUri()), SETTINGS));
        assertTrue(e.getMessage().contains("x.gz"), e.getMessage());
    }

    @Test
    void manyFilesAreCoveredNotOnlyTheFirst() throws Exception {
        for (int f = 0; f < 4; f++) {
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("part-" + f), StandardCharsets.UTF_8)) {
                for (int i = 0; i < 30_000; i++) {
                    w.write("f" + f + "-" + String.format("%030d", i));
                    w.write('\n');
                }
            }
        }
        TextSample s = TextInputSampler.sample(new Path(dir.toUri()), SETTINGS);
        assertEquals(120_000, s.records(), 120_000 * 0.02);
        for (int f = 0; f < 4; f++) {
            String prefix = "f" + f + "-";
            long n = s.lines().stream().filter(l -> l.startsWith(prefix)).count();
            assertTrue(
                    n > s.lines().size() / 8,
                    "file " + f + " has " + n + " of " + s.lines().size());
        }
    }
}
