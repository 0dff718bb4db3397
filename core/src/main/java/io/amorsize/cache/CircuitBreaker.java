package io.amorsize.cache;

import io.amorsize.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * The breaker in front of Redis: CLOSED → OPEN after one failure → after the cool-down, exactly one
 * caller gets a HALF_OPEN probe → CLOSED when it succeeds, OPEN again (new cool-down) when it fails.
 * While OPEN (or while the probe is in flight) every other call is refused at once, so at most one
 * timeout is paid per cool-down per JVM (plus calls already in flight when Redis went away).
 * Time comes from an injected {@link Ticker}.
 */
final class CircuitBreaker {

    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final long cooldownNanos;
    private final Ticker ticker;
    private volatile State state = State.CLOSED;
    private long openedAt;
    private long opens;

    CircuitBreaker(Duration cooldown, Ticker ticker) {
        this.cooldownNanos = Objects.requireNonNull(cooldown, "cooldown").toNanos();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (cooldownNanos <= 0) {
            throw new IllegalArgumentException("cooldown must be > 0, got " + cooldown);
        }
    }

    /**
     * May this call go to Redis? True when CLOSED, or for the single probe after the cool-down.
     * Every true answer must be followed by {@link #onSuccess()} or {@link #onFailure()}.
     */
    boolean tryAcquire() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            switch (state) {
                case CLOSED:
                    return true;
                case OPEN:
                    if (ticker.nanos() - openedAt >= cooldownNanos) {
                        state = State.HALF_OPEN;
                        return true;
                    }
                    return false;
                default:
                    return false; // a probe is in flight
            }
        }
    }

    /** Redis answered (even with a server error): close. */
    void onSuccess() {
        if (state != State.CLOSED) {
            synchronized (this) {
                state = State.CLOSED;
            }
        }
    }

    /** Redis did not answer in time or refused the connection: open for a new cool-down. */
    synchronized void onFailure() {
        if (state != State.OPEN) {
            opens++;
        }
        state = State.OPEN;
        openedAt = ticker.nanos();
    }

    /** The call never reached Redis (our side refused it): a HALF_OPEN probe counts as failed, else no change. */
    synchronized void onRejected() {
        if (state == State.HALF_OPEN) {
            state = State.OPEN;
            openedAt = ticker.nanos();
        }
    }

    State state() {
        return state;
    }

    /** Nanoseconds left in the current cool-down (0 when not OPEN or elapsed). */
    synchronized long remainingNanos() {
        if (state != State.OPEN) {
            return 0;
        }
        return Math.max(0, cooldownNanos - (ticker.nanos() - openedAt));
    }

    /** How many times the breaker went from closed or half-open to OPEN. */
    synchronized long opens() {
        return opens;
    }
}
