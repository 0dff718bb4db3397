package io.amorsize.flink;

import io.amorsize.model.Workload;
import java.util.List;
import java.util.Locale;
import org.apache.flink.core.fs.Path;

/**
 * Lines sampled from a text input and what they say about its size.
 *
 * @param input          the file or directory
 * @param lines          sampled lines (a fresh mutable list)
 * @param totalBytes     bytes of all files
 * @param files          number of files
 * @param records        exact line count when {@code exact}, else total bytes ÷ mean sampled line bytes
 * @param exact          true when the whole input was read
 * @param relativeError  standard error of the estimate ÷ the estimate (0 when exact)
 * @param meanLineBytes  mean bytes per line, terminator included
 * @param elapsedNanos   time spent sampling
 */
record TextSample(
        Path input,
        List<String> lines,
        long totalBytes,
        int files,
        long records,
        boolean exact,
        double relativeError,
        double meanLineBytes,
        long elapsedNanos) {

    Workload workload() {
        return exact ? Workload.of(records, 1) : Workload.estimated(records, relativeError, 1);
    }

    List<String> notes() {
        String count = exact
                ? records + " lines (counted: the input was read whole)"
                : String.format(
                        Locale.ROOT,
                        "~%d lines estimated from %d bytes / %.1f bytes per sampled line " + "(±%.1f %%)",
                        records,
                        totalBytes,
                        meanLineBytes,
                        100 * relativeError);
        return List.of(String.format(
                Locale.ROOT,
                "text input %s: %d file(s), %d bytes; %s; %d lines sampled " + "in %.1f ms",
                input,
                files,
                totalBytes,
                count,
                lines.size(),
                elapsedNanos / 1e6));
    }
}
