package io.amorsize.flink;

import io.amorsize.Ticker;
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
 * spread evenly over all bytes, skips the partial line it lands in (a random offset falls more often
 * in a long line), reads whole lines for the same number of bytes at every offset, and moves on.
 * Equal bytes per offset make the sample proportional to where the records are (a region of short
 * lines gives more of them), and the record count is the sum of the local line densities × the bytes
 * each offset stands for. Inputs up to {@value #FULL_READ_BYTES} bytes are read whole and counted
 * exactly.
 */
final class TextInputSampler {

    /** Inputs up to this size are read whole (exact count). */
    static final long FULL_READ_BYTES = 1L << 20;
    /** Most seek positions per sample. */
    static final int MAX_PROBES = 32;

    private static final List<String> COMPRESSED = List.of(".gz", ".gzip", ".bz2", ".xz", ".zst", ".deflate", ".zip");

    private TextInputSampler() {}

    static TextSample sample(Path input, Settings settings) {
        return sample(input, settings, Ticker.system());
    }

    /** {@link #sample(Path, Settings)} with the time source of the sample budget. */
    static TextSample sample(Path input, Settings settings, Ticker ticker) {
        long started = ticker.nanos();
        long deadline = started + settings.get(Options.SAMPLE_BUDGET).toNanos();
        int maxRecords = settings.get(Options.SAMPLE_MAX_RECORDS);
        try {
            List<FileStatus> files = listFiles(input);
            long total = 0;
            for (FileStatus f : files) {
                total += f.getLen();
            }
            if (total <= FULL_READ_BYTES) {
                return readWhole(input, files, total, maxRecords, started, ticker);
            }
            return probe(input, files, total, maxRecords, deadline, started, ticker);
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

    private static TextSample readWhole(
            Path input, List<FileStatus> files, long total, int maxRecords, long started, Ticker ticker)
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
        return new TextSample(
                input,
                spread(all, maxRecords),
                total,
                files.size(),
                all.size(),
                true,
                0.0,
                all.isEmpty() ? 0 : (double) total / all.size(),
                ticker.nanos() - started);
    }

    private static TextSample probe(
            Path input, List<FileStatus> files, long total, int maxRecords, long deadline, long started, Ticker ticker)
            throws IOException {
        int probes = Math.max(1, Math.min(MAX_PROBES, maxRecords));
        int perProbe = Math.max(1, (maxRecords + probes - 1) / probes);
        // Pass 1, a pilot of a few lines per offset: the mean line length over the whole input.
        double pilotDensity = 0;
        int pilots = 0;
        for (int i = 0; i < probes; i++) {
            Chunk c = readAt(files, offset(i, probes, total), Long.MAX_VALUE, Math.min(4, perProbe), null);
            if (c.lines() > 0) {
                pilotDensity += (double) c.lines() / c.bytes();
                pilots++;
            }
        }
        if (pilots == 0) {
            throw new IllegalStateException("no complete line found at " + probes + " offsets of " + input + " ("
                    + total + " bytes): lines longer than the files?");
        }
        // Pass 2: the same bytes at every offset (not the same lines): a region of short lines gives
        // more lines, so the sample holds records in proportion to where they are, not to their size.
        long bytesPerProbe = Math.max(1, Math.round(perProbe / (pilotDensity / pilots)));
        List<String> lines = new ArrayList<>();
        double sum = 0;
        double squares = 0;
        int used = 0;
        for (int i = 0; i < probes; i++) {
            if (i > 0 && ticker.nanos() > deadline) {
                break;
            }
            Chunk c = readAt(files, offset(i, probes, total), bytesPerProbe, 4 * perProbe, lines);
            if (c.lines() > 0) {
                double d = (double) c.lines() / c.bytes();
                sum += d;
                squares += d * d;
                used++;
            }
        }
        // Stratified estimate: every offset stands for total/used bytes at its local line density.
        double mean = sum / used;
        double sd = Math.sqrt(Math.max(0, squares / used - mean * mean));
        double relativeError = used > 1 ? sd / mean / Math.sqrt(used) : 1.0;
        long estimate = Math.max(lines.size(), Math.round(total * mean));
        return new TextSample(
                input,
                lines,
                total,
                files.size(),
                estimate,
                false,
                relativeError,
                1.0 / mean,
                ticker.nanos() - started);
    }

    private static long offset(int probe, int probes, long total) {
        return (long) ((probe + 0.5) * total / probes);
    }

    /** Lines read and bytes they took at one offset. */
    private record Chunk(int lines, long bytes) {}

    /**
     * Seeks to the global byte {@code global}, skips the partial line there, and reads whole lines
     * until {@code untilBytes} bytes or {@code maxLines} lines (or the file's end), adding them to
     * {@code sink} when not null.
     */
    private static Chunk readAt(List<FileStatus> files, long global, long untilBytes, int maxLines, List<String> sink)
            throws IOException {
        int fileIndex = 0;
        long offset = global;
        while (fileIndex < files.size() - 1 && offset >= files.get(fileIndex).getLen()) {
            offset -= files.get(fileIndex).getLen();
            fileIndex++;
        }
        FileStatus f = files.get(fileIndex);
        int count = 0;
        long bytes = 0;
        try (FSDataInputStream raw = f.getPath().getFileSystem().open(f.getPath())) {
            raw.seek(offset);
            InputStream in = new BufferedInputStream(raw, 16 * 1024);
            if (offset > 0 && readLine(in) == null) {
                return new Chunk(0, 0); // landed in the file's last line
            }
            while (bytes < untilBytes && count < maxLines) {
                Line line = readLine(in);
                if (line == null) {
                    break;
                }
                if (sink != null) {
                    sink.add(line.text());
                }
                bytes += line.bytes();
                count++;
            }
        }
        return new Chunk(count, bytes);
    }

    /** One line without its terminator, and the bytes it occupied including the terminator. */
    record Line(String text, int bytes) {}

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
