package io.amorsize.flink;

import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Samples lines of a bounded text input (a file, or a directory read recursively, skipping names
 * starting with '.' or '_' as Flink's file source does) without a full pass: it seeks to offsets
 * spread evenly over all bytes, skips the partial line it lands in (that line is more likely a long
 * one), reads a few whole lines, and moves on. The record count is estimated as total bytes ÷ mean
 * sampled bytes per line. Inputs up to {@value #FULL_READ_BYTES} bytes are read whole and counted
 * exactly.
 */
final class TextInputSampler {

    /** Inputs up to this size are read whole (exact count). */
    static final long FULL_READ_BYTES = 1L << 20;
    /** Most seek positions per sample. */
    static final int MAX_PROBES = 32;
    private static final List<String> COMPRESSED = List.of(".gz", ".gzip", ".bz2", ".xz", ".zst", ".deflate", ".zip");

    private TextInputSampler() {
    }

    static TextSample sample(Path input, Settings settings) {
        long started = System.nanoTime();
        long deadline = started + settings.get(Options.SAMPLE_BUDGET).toNanos();
        int maxRecords = settings.get(Options.SAMPLE_MAX_RECORDS);
        try {
            List<FileStatus> files = listFiles(input);
            long total = 0;
            for (FileStatus f : files) {
                total += f.getLen();
            }
            if (total <= FULL_READ_BYTES) {
                return readWhole(input, files, total, maxRecords, started);
            }
            return probe(input, files, total, maxRecords, deadline, started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sample text input " + input + ": " + e.getMessage(), e);
        }
    }

    static List<FileStatus> listFiles(Path input) throws IOException {
        FileSystem fs = input.getFileSystem();
        FileStatus status = fs.getFileStatus(input);
        List<FileStatus> out = new ArrayList<>();
        collect(fs, status, out);
        out.sort(Comparator.comparing(f -> f.getPath().toString()));
        for (FileStatus f : out) {
            String name = f.getPath().getName().toLowerCase(Locale.ROOT);
            if (COMPRESSED.stream().anyMatch(name::endsWith)) {
                throw new IllegalArgumentException("compressed file " + f.getPath()
                        + ": sampling reads at byte offsets and supports plain text only");
            }
        }
        return out;
    }

    private static void collect(FileSystem fs, FileStatus status, List<FileStatus> out) throws IOException {
        if (!status.isDir()) {
            out.add(status);
            return;
        }
        FileStatus[] children = fs.listStatus(status.getPath());
        if (children == null) {
            return;
        }
        for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            collect(fs, c, out);
        }
    }

    private static TextSample readWhole(Path input, List<FileStatus> files, long total, int maxRecords, long started)
            throws IOException {
        List<String> all = new ArrayList<>();
        for (FileStatus f : files) {
            if (f.getLen() == 0) {
                continue;
            }
            try (FSDataInputStream raw = f.getPath().getFileSystem().open(f.getPath());
                 InputStream in = new BufferedInputStream(raw, 64 * 1024)) {
                Line line;
                while ((line = readLine(in)) != null) {
                    all.add(line.text());
                }
            }
        }
        return new TextSample(input, spread(all, maxRecords), total, files.size(), all.size(), true, 0.0,
                all.isEmpty() ? 0 : (double) total / all.size(), System.nanoTime() - started);
    }

    private static TextSample probe(Path input, List<FileStatus> files, long total, int maxRecords, long deadline,
                                    long started) throws IOException {
        int probes = Math.max(1, Math.min(MAX_PROBES, maxRecords));
        int perProbe = Math.max(1, (maxRecords + probes - 1) / probes);
        List<String> lines = new ArrayList<>();
        double sumBytes = 0;
        double sumSquares = 0;
        for (int i = 0; i < probes && lines.size() < maxRecords; i++) {
            if (i > 0 && System.nanoTime() > deadline) {
                break;
            }
            long global = (long) ((i + 0.5) * total / probes);
            int fileIndex = 0;
            long offset = global;
            while (fileIndex < files.size() - 1 && offset >= files.get(fileIndex).getLen()) {
                offset -= files.get(fileIndex).getLen();
                fileIndex++;
            }
            FileStatus f = files.get(fileIndex);
            try (FSDataInputStream raw = f.getPath().getFileSystem().open(f.getPath())) {
                raw.seek(offset);
                InputStream in = new BufferedInputStream(raw, 16 * 1024);
                if (offset > 0 && readLine(in) == null) {
                    continue; // landed in the file's last line
                }
                for (int k = 0; k < perProbe && lines.size() < maxRecords; k++) {
                    Line line = readLine(in);
                    if (line == null) {
                        break;
                    }
                    lines.add(line.text());
                    sumBytes += line.bytes();
                    sumSquares += (double) line.bytes() * line.bytes();
                }
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException("no complete line found at " + probes + " offsets of " + input
                    + " (" + total + " bytes): lines longer than the files?");
        }
        int n = lines.size();
        double mean = sumBytes / n;
        double variance = Math.max(0, sumSquares / n - mean * mean);
        double relativeError = n > 1 ? Math.sqrt(variance) / mean / Math.sqrt(n) : 1.0;
        long estimate = Math.max(1, Math.round(total / mean));
        return new TextSample(input, lines, total, files.size(), estimate, false, relativeError, mean,
                System.nanoTime() - started);
    }

    /** One line without its terminator, and the bytes it occupied including the terminator. */
    record Line(String text, int bytes) {
    }

    /** Next line, or null at end of stream. '\n' ends a line; a trailing '\r' is dropped. */
    static Line readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        int read = 0;
        while ((b = in.read()) != -1) {
            read++;
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (read == 0) {
            return null;
        }
        byte[] bytes = buf.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        return new Line(new String(bytes, 0, len, StandardCharsets.UTF_8), read);
    }

    private static List<String> spread(List<String> all, int max) {
        if (all.size() <= max) {
            return all;
        }
        List<String> out = new ArrayList<>(max);
        double step = (double) all.size() / max;
        for (int i = 0; i < max; i++) {
            out.add(all.get((int) (i * step)));
        }
        return out;
    }
}
