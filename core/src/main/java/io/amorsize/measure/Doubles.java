package io.amorsize.measure;

import java.util.Arrays;

/** Growable array of doubles without boxing. */
final class Doubles {
    double[] a;
    int n;

    Doubles(int capacity) {
        a = new double[Math.max(8, capacity)];
    }

    void add(double v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[n++] = v;
    }

    double[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
