package io.amorsize.model;

/** Standard normal distribution helpers (cdf, quantile, expected maximum). Internal. */
final class Gaussian {

    private Gaussian() {}

    /** Φ(x), absolute error below 1e-7 (Abramowitz–Stegun 7.1.26 on erf, W. J. Cody-free). */
    static double cdf(double x) {
        if (x < -38) {
            return 0.0;
        }
        if (x > 38) {
            return 1.0;
        }
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1.0 / (1.0 + 0.5 * z);
        // Numerical Recipes erfc, fractional error < 1.2e-7 everywhere.
        double ans = t
                * Math.exp(
                        -z * z
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        double erfc = ans;
        return x >= 0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
    }

    /** Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation, relative error < 1.2e-9). */
    static double quantile(double p) {
        if (!(p > 0 && p < 1)) {
            if (p <= 0) {
                return Double.NEGATIVE_INFINITY;
            }
            return Double.POSITIVE_INFINITY;
        }
        final double[] a = {
            -3.969683028665376e+01,
            2.209460984245205e+02,
            -2.759285104469687e+02,
            1.383577518672690e+02,
            -3.066479806614716e+01,
            2.506628277459239e+00
        };
        final double[] b = {
            -5.447609879822406e+01,
            1.615858368580409e+02,
            -1.556989798598866e+02,
            6.680131188771972e+01,
            -1.328068155288572e+01
        };
        final double[] c = {
            -7.784894002430293e-03,
            -3.223964580411365e-01,
            -2.400758277161838e+00,
            -2.549732539343734e+00,
            4.374664141464968e+00,
            2.938163982698783e+00
        };
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double plow = 0.02425;
        double q;
        double r;
        if (p < plow) {
            q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - plow) {
            q = Math.sqrt(-2 * Math.log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        q = p - 0.5;
        r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
                * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /**
     * Expected maximum of {@code m} independent standard normals (Blom's approximation
     * Φ⁻¹((m − 0.375)/(m + 0.25))); 0 for m ≤ 1. Tighter than √(2 ln m) for small m.
     */
    static double expectedMax(double m) {
        if (m <= 1) {
            return 0.0;
        }
        return Math.max(0.0, quantile((m - 0.375) / (m + 0.25)));
    }
}
