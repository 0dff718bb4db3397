package io.amorsize.measure;

import java.util.Arrays;

/** Small statistics helpers for timings. All arrays are used as given; nothing is retained. */
final class Stats {

    private Stats() {}

    /**
     * The {@code q}-quantile (0..1) of {@code sorted} (ascending) by linear interpolation between
     * closest ranks; NaN for an empty array.
     */
    static double quantile(double[] sorted, double q) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        if (n == 1) {
            return sorted[0];
        }
        double pos = Math.min(1.0, Math.max(0.0, q)) * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(n - 1, lo + 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    /** Median of the first {@code n} values (the array is not modified). */
    static double median(double[] values, int n) {
        double[] copy = Arrays.copyOf(values, n);
        Arrays.sort(copy);
        return quantile(copy, 0.5);
    }

    static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s / values.length;
    }

    /** Population standard deviation. */
    static double stddev(double[] values, double mean) {
        if (values.length < 2) {
            return 0;
        }
        double s = 0;
        for (double v : values) {
            double d = v - mean;
            s += d * d;
        }
        return Math.sqrt(s / values.length);
    }

    /**
     * The upper-tail standard normal quantile: z with P(Z > z) = {@code p}, for p in (0, 0.5]
     * (Abramowitz &amp; Stegun 26.2.23, absolute error below 5e-4).
     */
    static double upperNormalQuantile(double p) {
        double q = Math.min(0.5, Math.max(1e-300, p));
        double t = Math.sqrt(-2 * Math.log(q));
        return t
                - (2.515517 + 0.802853 * t + 0.010328 * t * t)
                        / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    }

    /** |a - b| relative to the larger of the two; 0 when both are 0. */
    static double relativeDifference(double a, double b) {
        double m = Math.max(Math.abs(a), Math.abs(b));
        return m == 0 ? 0 : Math.abs(a - b) / m;
    }

    /**
     * Least-squares fit of y = a + c·x, constrained to a, c >= 0: when the free fit gives a
     * negative slope the fit is flat (c = 0, a = mean y); when it gives a negative intercept the
     * line goes through the origin. R² is computed for the returned line; NaN when y is constant.
     */
    static BatchFit fitLine(double[] x, double[] y) {
        int n = x.length;
        if (n < 2 || y.length != n) {
            throw new IllegalArgumentException("need at least 2 points of equal length, got " + n);
        }
        double mx = mean(x);
        double my = mean(y);
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        double c = sxx == 0 ? 0 : sxy / sxx;
        double a = my - c * mx;
        if (c < 0) {
            c = 0;
            a = my;
        }
        if (a < 0) {
            double sx2 = 0;
            double sxy0 = 0;
            for (int i = 0; i < n; i++) {
                sx2 += x[i] * x[i];
                sxy0 += x[i] * y[i];
            }
            a = 0;
            c = sx2 == 0 ? 0 : Math.max(0, sxy0 / sx2);
        }
        double r2 = Double.NaN;
        if (syy > 0) {
            double ssRes = 0;
            for (int i = 0; i < n; i++) {
                double r = y[i] - (a + c * x[i]);
                ssRes += r * r;
            }
            r2 = Math.max(0, 1 - ssRes / syy);
        }
        return new BatchFit(Math.max(0, a), Math.max(0, c), n, r2);
    }
}
