package io.amorsize.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void quantilesInterpolate() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(1, Stats.quantile(v, 0));
        assertEquals(10, Stats.quantile(v, 1));
        assertEquals(5.5, Stats.quantile(v, 0.5), 1e-9);
        assertEquals(9.55, Stats.quantile(v, 0.95), 1e-9);
        assertEquals(3, Stats.median(new double[] {5, 1, 3, 99}, 3), 1e-9);
        assertTrue(Double.isNaN(Stats.quantile(new double[0], 0.5)));
    }

    @Test
    void exactLineIsRecovered() {
        BatchFit f = Stats.fitLine(new double[] {25, 50, 100}, new double[] {25_000_000, 30_000_000, 40_000_000});
        assertEquals(20_000_000, f.fixedNanos(), 1e-3);
        assertEquals(200_000, f.perRecordNanos(), 1e-6);
        assertEquals(3, f.points());
        assertEquals(1.0, f.rSquared(), 1e-12);
    }

    @Test
    void negativeSlopeOrInterceptAreClamped() {
        BatchFit flat = Stats.fitLine(new double[] {1, 2, 4}, new double[] {10, 9, 8});
        assertEquals(0, flat.perRecordNanos());
        assertEquals(9, flat.fixedNanos(), 1e-9);

        BatchFit origin = Stats.fitLine(new double[] {10, 20}, new double[] {5, 20});
        assertEquals(0, origin.fixedNanos());
        assertTrue(origin.perRecordNanos() > 0);

        BatchFit constant = Stats.fitLine(new double[] {1, 2}, new double[] {3, 3});
        assertTrue(Double.isNaN(constant.rSquared()));
    }

    @Test
    void skewIgnoresIsolatedOutliersButNotAnExpensiveGroup() {
        // two groups of 100 equal timings; one 100x outlier (a GC pause) in group 1
        double[] v = new double[200];
        int[] g = new int[200];
        for (int i = 0; i < 200; i++) {
            v[i] = 100;
            g[i] = i % 2;
        }
        v[1] = 10_000;
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        assertEquals(1.0, Summary.partitionSkew(v, g, 2, Stats.quantile(sorted, 0.99)), 0.02);

        // a one-record group that is really 10x more expensive
        double[] w = {100, 100, 100, 100, 100, 100, 100, 100, 100, 1000};
        int[] h = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        double[] ws = w.clone();
        java.util.Arrays.sort(ws);
        assertEquals(1000 / 190.0, Summary.partitionSkew(w, h, 2, Stats.quantile(ws, 0.99)), 1e-9);
        assertEquals(1.0, Summary.partitionSkew(w, new int[10], 1, 0));
    }

    @Test
    void runQueueCorrection() {
        assertEquals(1000, UnitTimer.withoutRunQueueWait(1000, -1, -1, 0));
        assertEquals(600, UnitTimer.withoutRunQueueWait(1000, 100, 500, 0));
        // a preempted 50 us unit: 8 ms of waiting inside it
        assertEquals(50_000, UnitTimer.withoutRunQueueWait(8_050_000, 0, 8_000_000, 0));
        // the wait fell in the gap outside the timed window: nothing to subtract
        assertEquals(1000, UnitTimer.withoutRunQueueWait(1000, 0, 5_000_000, 5_000_100));
        assertEquals(0, UnitTimer.withoutRunQueueWait(-5, 0, 0, 0));
    }

    @Test
    void batchSizes() {
        assertEquals(3, BatchTiming.distinctSizes(100).length);
        assertEquals(25, BatchTiming.distinctSizes(100)[0]);
        assertEquals(2, BatchTiming.distinctSizes(2).length);
    }
}
