package io.amorsize.cli;

import io.amorsize.cache.CacheEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Human-readable numbers for the CLI's output. */
final class Format {

    private Format() {}

    static String nanos(double ns) {
        if (!Double.isFinite(ns) || ns < 0) {
            return "?";
        }
        if (ns < 1e3) {
            return String.format(Locale.ROOT, "%.0f ns", ns);
        }
        if (ns < 1e6) {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        }
        if (ns < 1e9) {
            return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    static String bytes(double b) {
        if (!Double.isFinite(b) || b < 0) {
            return "?";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (b >= 1024 && i < units.length - 1) {
            b /= 1024;
            i++;
        }
        return i == 0 ? String.format(Locale.ROOT, "%.0f B", b) : String.format(Locale.ROOT, "%.1f %s", b, units[i]);
    }

    static String duration(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        Duration d = Duration.ofSeconds(seconds);
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return seconds + "s";
    }

    static String count(long n) {
        return n < 0 ? "?" : Long.toString(n);
    }

    static String instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** One line: decision, cost, workload, cluster, age. */
    static String summary(CacheEntry e, long nowMillis) {
        var p = e.profile();
        StringBuilder sb = new StringBuilder();
        sb.append(e.action()).append(' ').append(e.partitions()).append(" partitions");
        sb.append(", batch ").append(e.batchSize());
        sb.append(", ").append(nanos(p.meanNanos())).append("/record");
        sb.append(String.format(Locale.ROOT, " (cv %.2f, n=%d)", p.cv(), p.sampleSize()));
        sb.append(", ")
                .append(e.workload().records())
                .append(" records in ")
                .append(e.workload().currentPartitions())
                .append(" partitions");
        sb.append(", ")
                .append(e.cluster().engine())
                .append(' ')
                .append(e.cluster().engineVersion())
                .append(' ')
                .append(e.cluster().slots())
                .append(" slots");
        sb.append(", age ").append(duration(Math.max(0, (nowMillis - e.createdAtMillis()) / 1000)));
        return sb.toString();
    }
}
