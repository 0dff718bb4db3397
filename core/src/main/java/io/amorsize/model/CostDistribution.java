package io.amorsize.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A distribution of per-record cost (nanoseconds) for the {@link Simulator}. Besides single draws
 * it draws the <em>sum</em> of n independent records without drawing them one by one, so that a
 * task of 10⁸ records costs O(1): exact for small n, a normal (central limit) approximation for
 * large n, and for heavy tails the records above a high quantile drawn exactly with the rest
 * approximated.
 */
public interface CostDistribution {

    /** Records up to which {@link #sum} draws every record. */
    int EXACT_UP_TO = 32;

    double mean();

    double variance();

    /** One record's cost. */
    double sample(SplittableRandom rng);

    /** Cost of {@code n} independent records. */
    default double sum(long n, SplittableRandom rng) {
        if (n <= 0) {
            return 0;
        }
        if (n <= EXACT_UP_TO) {
            double s = 0;
            for (long i = 0; i < n; i++) {
                s += sample(rng);
            }
            return s;
        }
        return Math.max(0, n * mean() + Math.sqrt(n * variance()) * rng.nextGaussian());
    }

    /** A short description for reports. */
    String describe();

    /** Every record costs {@code nanos}. */
    static CostDistribution constant(double nanos) {
        return new Uniform(nanos, nanos);
    }

    /** Uniform on [lo, hi]. */
    static CostDistribution uniform(double lo, double hi) {
        return new Uniform(lo, hi);
    }

    /** Lognormal with the given median and log-space sigma (sigma ≥ 1 is heavy-tailed). */
    static CostDistribution lognormal(double median, double sigma) {
        return new LogNormal(Math.log(median), sigma);
    }

    /** Cheap records (uniform ±10 % around {@code low}) with a share {@code pHigh} of expensive ones. */
    static CostDistribution bimodal(double low, double high, double pHigh) {
        return new Bimodal(low, high, pHigh);
    }

    /** Records drawn uniformly from the given costs. */
    static CostDistribution empirical(double[] costs) {
        return new Empirical(costs);
    }

    /** Uniform on [lo, hi]. */
    record Uniform(double lo, double hi) implements CostDistribution {
        public Uniform {
            if (!(lo >= 0) || !(hi >= lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("need 0 <= lo <= hi, got " + lo + ", " + hi);
            }
        }

        @Override
        public double mean() {
            return (lo + hi) / 2;
        }

        @Override
        public double variance() {
            return (hi - lo) * (hi - lo) / 12;
        }

        @Override
        public double sample(SplittableRandom rng) {
            return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
        }

        @Override
        public String describe() {
            return lo == hi ? "constant " + fmt(lo) : "uniform " + fmt(lo) + ".." + fmt(hi);
        }
    }

    /** Lognormal; heavy tails are drawn exactly in {@link #sum}. */
    record LogNormal(double mu, double sigma) implements CostDistribution {
        public LogNormal {
            if (!(sigma >= 0) || !Double.isFinite(mu)) {
                throw new IllegalArgumentException("need finite mu and sigma >= 0");
            }
        }

        @Override
        public double mean() {
            return Math.exp(mu + sigma * sigma / 2);
        }

        @Override
        public double variance() {
            return (Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma);
        }

        @Override
        public double sample(SplittableRandom rng) {
            return Math.exp(mu + sigma * rng.nextGaussian());
        }

        /**
         * Records above the (1 − τ) quantile, τ = min(5 %, 32/n), are counted (Poisson) and drawn
         * exactly; the body below it is a normal sum with the truncated mean and variance.
         */
        @Override
        public double sum(long n, SplittableRandom rng) {
            if (n <= EXACT_UP_TO || sigma == 0) {
                return CostDistribution.super.sum(n, rng);
            }
            double tau = Math.min(0.05, 32.0 / n);
            double zq = Gaussian.quantile(1 - tau);
            long k = poisson(n * tau, rng);
            double tail = 0;
            for (long i = 0; i < k; i++) {
                double u = 1 - tau * rng.nextDouble();
                double z = Gaussian.quantile(Math.min(u, 1 - 1e-16));
                tail += Math.exp(mu + sigma * z);
            }
            // Truncated moments below q = exp(mu + sigma zq).
            double m1 = Math.exp(mu + sigma * sigma / 2) * Gaussian.cdf(zq - sigma) / (1 - tau);
            double m2 = Math.exp(2 * mu + 2 * sigma * sigma) * Gaussian.cdf(zq - 2 * sigma) / (1 - tau);
            double var = Math.max(0, m2 - m1 * m1);
            long body = Math.max(0, n - k);
            return Math.max(0, body * m1 + Math.sqrt(body * var) * rng.nextGaussian()) + tail;
        }

        @Override
        public String describe() {
            return String.format(java.util.Locale.ROOT, "lognormal median %s sigma %.2f", fmt(Math.exp(mu)), sigma);
        }
    }

    /** Mixture of uniform ±10 % around {@code low} (share 1 − pHigh) and around {@code high}. */
    record Bimodal(double low, double high, double pHigh) implements CostDistribution {
        public Bimodal {
            if (!(low >= 0) || !(high >= 0) || !(pHigh >= 0 && pHigh <= 1)) {
                throw new IllegalArgumentException("need low, high >= 0 and pHigh in [0, 1]");
            }
        }

        private Uniform lowMode() {
            return new Uniform(low * 0.9, low * 1.1);
        }

        private Uniform highMode() {
            return new Uniform(high * 0.9, high * 1.1);
        }

        @Override
        public double mean() {
            return (1 - pHigh) * low + pHigh * high;
        }

        @Override
        public double variance() {
            double m = mean();
            double e2 = (1 - pHigh) * (lowMode().variance() + low * low)
                    + pHigh * (highMode().variance() + high * high);
            return Math.max(0, e2 - m * m);
        }

        @Override
        public double sample(SplittableRandom rng) {
            return rng.nextDouble() < pHigh ? highMode().sample(rng) : lowMode().sample(rng);
        }

        @Override
        public double sum(long n, SplittableRandom rng) {
            if (n <= EXACT_UP_TO) {
                return CostDistribution.super.sum(n, rng);
            }
            long k = binomial(n, pHigh, rng);
            return lowMode().sum(n - k, rng) + highMode().sum(k, rng);
        }

        @Override
        public String describe() {
            return String.format(
                    java.util.Locale.ROOT, "bimodal %s / %s (%.2g %% expensive)", fmt(low), fmt(high), pHigh * 100);
        }
    }

    /** Records drawn uniformly from given costs; the largest 32/n share is drawn exactly in sums. */
    final class Empirical implements CostDistribution {
        private final double[] sorted;
        private final double mean;
        private final double variance;

        Empirical(double[] costs) {
            Objects.requireNonNull(costs, "costs");
            if (costs.length == 0) {
                throw new IllegalArgumentException("costs must not be empty");
            }
            sorted = costs.clone();
            Arrays.sort(sorted);
            if (!(sorted[0] >= 0) || !Double.isFinite(sorted[sorted.length - 1])) {
                throw new IllegalArgumentException("costs must be finite and >= 0");
            }
            double s = 0;
            double s2 = 0;
            for (double c : sorted) {
                s += c;
                s2 += c * c;
            }
            mean = s / sorted.length;
            variance = Math.max(0, s2 / sorted.length - mean * mean);
        }

        @Override
        public double mean() {
            return mean;
        }

        @Override
        public double variance() {
            return variance;
        }

        @Override
        public double sample(SplittableRandom rng) {
            return sorted[rng.nextInt(sorted.length)];
        }

        @Override
        public String describe() {
            return "empirical (" + sorted.length + " values, mean " + fmt(mean) + ")";
        }
    }

    private static long poisson(double lambda, SplittableRandom rng) {
        if (lambda > 64) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        long k = 0;
        double p = 1;
        do {
            k++;
            p *= rng.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private static long binomial(long n, double p, SplittableRandom rng) {
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return n;
        }
        double mean = n * p;
        double var = mean * (1 - p);
        if (var > 25) {
            return Math.max(0, Math.min(n, Math.round(mean + Math.sqrt(var) * rng.nextGaussian())));
        }
        if (p < 0.5) {
            return Math.min(n, poisson(mean, rng));
        }
        return n - Math.min(n, poisson(n * (1 - p), rng));
    }

    private static String fmt(double nanos) {
        if (nanos < 1e3) {
            return String.format(java.util.Locale.ROOT, "%.0f ns", nanos);
        }
        if (nanos < 1e6) {
            return String.format(java.util.Locale.ROOT, "%.3g µs", nanos / 1e3);
        }
        if (nanos < 1e9) {
            return String.format(java.util.Locale.ROOT, "%.3g ms", nanos / 1e6);
        }
        return String.format(java.util.Locale.ROOT, "%.3g s", nanos / 1e9);
    }
}
