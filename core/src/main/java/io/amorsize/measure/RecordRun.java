package io.amorsize.measure;

import io.amorsize.RecordFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The sampled records of one per-record measurement, grouped by input partition, and the calls of
 * the user function on them. Keeps the first few inputs and outputs for sizing and a
 * {@link Sink} so that the JIT cannot drop the work.
 *
 * <p>Visiting order: within a partition, a fixed pseudo-random permutation ({@link #perm}); for
 * warm-up, round-robin over the partitions ({@link #orderGroup}, {@link #orderIndex}).
 */
final class RecordRun<T, R> {
    /** Records (and outputs) sized for the mean serialized size. */
    static final int SIZE_PROBES = 8;

    private static final long SEED = 0x5eed_a407L;

    private final RecordFunction<T, R> fn;
    final Object[][] groups;
    private final int[] offsets;
    private final Sink sink = new Sink();
    final List<Object> inProbe = new ArrayList<>(SIZE_PROBES);
    final List<Object> outProbe = new ArrayList<>(SIZE_PROBES);
    final int groupCount;
    /** Records over all groups. */
    final int total;
    /** Per group, a fixed pseudo-random permutation of its record indices. */
    final int[][] perm;
    /** Warm-up order: round-robin over groups, each in its permuted order. */
    final int[] orderGroup;

    final int[] orderIndex;

    RecordRun(RecordFunction<T, R> fn, List<Object[]> groups, int[] offsets) {
        this.fn = fn;
        this.groups = groups.toArray(new Object[0][]);
        this.offsets = offsets;
        this.groupCount = this.groups.length;
        Random random = new Random(SEED);
        perm = new int[groupCount][];
        int t = 0;
        int longest = 0;
        for (int g = 0; g < groupCount; g++) {
            int n = this.groups[g].length;
            perm[g] = permutation(n, random);
            t += n;
            longest = Math.max(longest, n);
        }
        total = t;
        orderGroup = new int[t];
        orderIndex = new int[t];
        int p = 0;
        for (int i = 0; i < longest; i++) {
            for (int g = 0; g < groupCount; g++) {
                if (i < perm[g].length) {
                    orderGroup[p] = g;
                    orderIndex[p] = perm[g][i];
                    p++;
                }
            }
        }
    }

    /** Calls the function on record {@code i} of group {@code g}. */
    @SuppressWarnings("unchecked")
    void call(int g, int i) {
        Object rec = groups[g][i];
        R out;
        try {
            out = fn.apply((T) rec);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            throw failure((long) offsets[g] + i, e);
        }
        if (outProbe.size() < SIZE_PROBES) {
            inProbe.add(rec);
            outProbe.add(out);
        }
        sink.consume(out);
    }

    /**
     * The user function failed: exceptions, and errors that are the function's own fault (a
     * missing class, an assertion, unbounded recursion). Other errors (out of memory) propagate.
     */
    static FunctionFailedException failure(long index, Throwable e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new FunctionFailedException(index, e);
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
