package io.amorsize.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.Function;

/** Test functions with known costs (busy-spin until a deadline, robust on a loaded machine). */
final class Functions {

    private Functions() {}

    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Costs about {@code micros} µs per record. */
    static Function<Integer, Integer> cpu(long micros) {
        return x -> {
            spin(micros * 1000);
            return x + 1;
        };
    }

    /** A batch call with a fixed cost and a small per-record cost (an I/O-like client). */
    static Function<List<Integer>, List<Integer>> batched(long fixedMicros, long perRecordMicros) {
        return batch -> {
            Thread.sleep(fixedMicros / 1000, (int) (fixedMicros % 1000) * 1000);
            spin(perRecordMicros * 1000 * batch.size());
            List<Integer> out = new ArrayList<>(batch.size());
            for (Integer x : batch) {
                out.add(x + 1);
            }
            return out;
        };
    }
}
