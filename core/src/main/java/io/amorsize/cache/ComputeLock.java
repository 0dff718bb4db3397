package io.amorsize.cache;

/**
 * A per-key lock held while one driver measures a function that others are waiting for. It only
 * saves work: correctness never depends on it, and it expires on its own.
 */
public interface ComputeLock extends AutoCloseable {

    /** A lock that guards nothing, for stores that cannot lock. */
    ComputeLock NONE = () -> {};

    /** Releases the lock if this holder still owns it (compare-and-delete); never throws. */
    @Override
    void close();
}
