package io.amorsize.examples.logs;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The work of the example jobs, with no engine type, so that the Spark and the Flink example run
 * exactly the same per-record work: deterministic web-server log lines, a parse step with a
 * CPU-heavy enrichment, and a simulated slow service (a fixed cost per call plus a small cost per
 * record).
 */
public final class LogWorkload {

    private LogWorkload() {}

    /** One parsed log line. */
    public record Event(String ip, String method, String path, int status, long bytes, String agentFingerprint)
            implements Serializable {}

    /** What the slow service costs per call: a network round trip. */
    public static final long SERVICE_CALL_MILLIS = 3;

    /** What the slow service costs per record. */
    public static final long SERVICE_RECORD_NANOS = 2_000;

    private static final Pattern LINE = Pattern.compile(
            "^(\\S+) \\S+ \\S+ \\[([^\\]]+)] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) (\\d+) \"[^\"]*\" \"([^\"]*)\"$");

    /** A deterministic Apache combined-log line for index {@code i}. */
    public static String line(long i) {
        long h = i * 0x9E3779B97F4A7C15L;
        int status = switch (Math.floorMod(h >>> 7, 100)) {
            case 0, 1, 2 -> 500;
            case 3, 4 -> 503;
            case 5, 6, 7, 8, 9, 10, 11 -> 404;
            default -> 200;
        };
        String[] methods = {"GET", "GET", "GET", "POST", "PUT"};
        String[] agents = {
            "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
            "curl/8.5.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15",
            "python-requests/2.32"
        };
        return String.format(
                Locale.ROOT,
                "10.%d.%d.%d - - [23/Nov/2026:12:%02d:%02d +0000] \"%s /api/v1/items/%d HTTP/1.1\" %d %d \"-\" \"%s\"",
                Math.floorMod(h >>> 8, 256),
                Math.floorMod(h >>> 16, 256),
                Math.floorMod(h >>> 24, 256),
                Math.floorMod(i / 60, 60),
                Math.floorMod(i, 60),
                methods[Math.floorMod(h >>> 32, methods.length)],
                Math.floorMod(h >>> 20, 100_000),
                status,
                Math.floorMod(h >>> 40, 50_000),
                agents[Math.floorMod(h >>> 50, agents.length)]);
    }

    /**
     * Parses one line and enriches it with an iterated SHA-256 fingerprint of the user agent
     * ({@code rounds} digests: the CPU-heavy step). A line that does not parse gives an event of "?".
     */
    public static Event parse(String line, int rounds) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return new Event("?", "?", "?", 0, 0, "");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] d = m.group(7).getBytes(StandardCharsets.UTF_8);
        for (int r = 0; r < rounds; r++) {
            d = sha.digest(d);
        }
        return new Event(
                m.group(1),
                m.group(3),
                m.group(4),
                Integer.parseInt(m.group(5)),
                Long.parseLong(m.group(6)),
                HexFormat.of().formatHex(d, 0, 8));
    }

    /** The slow service's fixed cost of one call. */
    public static void serviceCall() throws InterruptedException {
        Thread.sleep(SERVICE_CALL_MILLIS);
    }

    /** The slow service's work for one record; returns the region (0..7) it assigns the event. */
    public static int serviceLookup(Event e) {
        long end = System.nanoTime() + SERVICE_RECORD_NANOS;
        int x = e.ip().hashCode();
        while (System.nanoTime() < end) {
            x = x * 31 + 7;
        }
        return Math.floorMod(x ^ e.ip().hashCode(), 8);
    }
}
