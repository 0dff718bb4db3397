package io.amorsize;

/** A source of nanosecond time, injectable so timing code is testable without sleeping. */
@FunctionalInterface
public interface Ticker {
    long nanos();

    static Ticker system() {
        return System::nanoTime;
    }
}
