package io.amorsize.examples;

import io.amorsize.Amorsize;
import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.RecordFunction;
import io.amorsize.model.ClusterShape;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's engine-free core demo: tunes a real function over an in-memory input and prints the recommendation
 * and its explanation — first for this machine, then for a 64-slot cluster, then once more to show
 * the cached profile being reused (no measurement, the decision re-derived).
 *
 * <pre>mvn -B -q -DskipTests package exec:java -pl examples/core-examples -am</pre>
 */
public final class CoreDemo {

    private CoreDemo() {}

    public static void main(String[] args) {
        // 200,000 "documents": each record costs tens of microseconds of hashing, a few cost 20x more.
        List<Integer> input = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            input.add(i);
        }
        RecordFunction<Integer, Long> score = CoreDemo::score;

        ClusterShape here = Amorsize.localCluster();
        System.out.println("== 1. This machine (" + here.slots() + " slots), input as one partition\n");
        Recommendation local = Amorsize.recommend(input, score, here);
        System.out.println(local.explain());

        ClusterShape cluster = new ClusterShape("spark", "4.1.1", 64, 2L << 30, 20e6);
        System.out.println("== 2. The same function and input on a 64-slot cluster (20 ms per-task overhead)\n");
        Recommendation big = Amorsize.recommend(input, score, cluster);
        System.out.println(big.explain());

        System.out.println("== 3. Asked again: the measured profile comes from the cache\n");
        long t0 = System.nanoTime();
        Recommendation again = Amorsize.recommend(input, score, cluster);
        System.out.printf(
                "%s (%s, %.2f ms)%n%n",
                again, again.cacheHit() ? "cache hit" : "no cache hit", (System.nanoTime() - t0) / 1e6);

        System.out.println("== 4. A batch function (a 2 ms round trip per call + ~20 µs per record) on the cluster\n");
        BatchFunction<Integer, Long> lookup = CoreDemo::lookup;
        Recommendation batched = Amorsize.recommendBatches(input, lookup, cluster);
        System.out.println(batched.explain());
    }

    /** A remote look-up: one round trip per call, then per-record work. */
    static List<Long> lookup(List<Integer> batch) throws InterruptedException {
        Thread.sleep(2);
        List<Long> out = new ArrayList<>(batch.size());
        for (Integer x : batch) {
            long end = System.nanoTime() + 20_000;
            long h = x;
            while (System.nanoTime() < end) {
                h = h * 31 + 7;
            }
            out.add(h);
        }
        return out;
    }

    /** Iterated mixing: ~20k rounds for most records, 20x more for every 500th. */
    static long score(Integer x) {
        int rounds = x % 500 == 0 ? 400_000 : 20_000;
        long h = x;
        for (int i = 0; i < rounds; i++) {
            h ^= h << 13;
            h ^= h >>> 7;
            h ^= h << 17;
        }
        return h;
    }
}
