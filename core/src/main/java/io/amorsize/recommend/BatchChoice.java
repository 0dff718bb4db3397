package io.amorsize.recommend;

/**
 * How the batch size was chosen.
 *
 * @param size      records per call before the records-per-partition cap (1 for per-record
 *                  functions and when batching buys nothing)
 * @param needed    the size the overhead-share rule asks for: a(1−ε)/(ε·c), rounded up
 *                  (1 when batching buys nothing, Long.MAX_VALUE when c = 0)
 * @param limitedBy what capped {@code size}: "overhead share", "latency", "memory", "none" or
 *                  "per-record function"
 * @param reason    one sentence for the explanation
 */
public record BatchChoice(long size, long needed, String limitedBy, String reason) {

    /** The size for a task of {@code recordsPerTask} records (never more records than the task holds). */
    public int sizeFor(double recordsPerTask) {
        double capped = Math.min((double) size, Math.max(1.0, Math.ceil(recordsPerTask)));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, capped));
    }
}
