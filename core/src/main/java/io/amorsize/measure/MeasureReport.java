package io.amorsize.measure;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How one measurement went: what was timed, what it cost and why it stopped, for the explanation
 * and the INFO line (e.g. {@code measured 180 records in 2 partitions, 96 ms; stopped: decision
 * stable}). Not cached: it describes this run, not the function.
 *
 * @param records    records passed to the function while timing (for a batch function, in the
 *                   timed calls at every size)
 * @param partitions input partitions the sample came from (1 for a batch function)
 * @param warmUp     warm-up time
 * @param elapsed    warm-up and timing time
 * @param warmUpEnd  why warm-up ended
 * @param stop       why timing ended
 */
public record MeasureReport(
        long records, int partitions, Duration warmUp, Duration elapsed, WarmUpEnd warmUpEnd, Stop stop)
        implements java.io.Serializable {

    public MeasureReport {
        Objects.requireNonNull(warmUp, "warmUp");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(warmUpEnd, "warmUpEnd");
        Objects.requireNonNull(stop, "stop");
    }

    /** Why warm-up ended. */
    public enum WarmUpEnd {
        SETTLED("timings settled"),
        BUDGET("warm-up budget spent"),
        SPEND_CAP("spend cap"),
        CALL_CAP("call cap"),
        INTERRUPTED("interrupted");

        private final String text;

        WarmUpEnd(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Why timing ended. */
    public enum Stop {
        /** The stop rule found the same decision at both ends of the estimate. */
        DECISION_STABLE("decision stable"),
        /** The spend cap of the stop rule was reached. */
        SPEND_CAP("spend cap"),
        /** The measure budget was spent. */
        BUDGET("budget spent"),
        /** Without a stop rule: every sampled record was timed and enough timings taken. */
        EVERY_RECORD_TIMED("every sampled record timed"),
        /** Without a stop rule: the mean was known to 1 % relative standard error. */
        MEAN_PRECISE("mean within 1 %"),
        /** A batch function: the most timed rounds were taken. */
        ROUNDS("most rounds taken"),
        /** The call cap (a clock that does not move). */
        CALL_CAP("call cap"),
        /** The measuring thread was interrupted. */
        INTERRUPTED("interrupted");

        private final String text;

        Stop(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** For the INFO line, e.g. {@code measured 180 records in 2 partitions, 96 ms; stopped: decision stable}. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "measured %,d record%s in %d partition%s, %d ms; stopped: %s",
                records,
                records == 1 ? "" : "s",
                partitions,
                partitions == 1 ? "" : "s",
                elapsed.toMillis(),
                stop);
    }

    /**
     * For the explanation, with the warm-up, e.g. {@code measured 180 records in 2 partitions,
     * 96 ms (warm-up 40 ms, timings settled); stopped: decision stable}.
     */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "measured %,d record%s in %d partition%s, %d ms (warm-up %d ms, %s); stopped: %s",
                records,
                records == 1 ? "" : "s",
                partitions,
                partitions == 1 ? "" : "s",
                elapsed.toMillis(),
                warmUp.toMillis(),
                warmUpEnd,
                stop);
    }
}
