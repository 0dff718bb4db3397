package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Ticker ticker = now::get;

    @Test
    void opensOnFailureAndAllowsOneProbeAfterCooldown() {
        CircuitBreaker b = new CircuitBreaker(Duration.ofSeconds(30), ticker);
        assertTrue(b.tryAcquire());
        b.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, b.state());
        assertFalse(b.tryAcquire());
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertFalse(b.tryAcquire());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(b.tryAcquire(), "one probe after the cool-down");
        assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
        assertFalse(b.tryAcquire(), "only one probe at a time");
        b.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, b.state());
        assertFalse(b.tryAcquire(), "a failed probe starts a new cool-down");
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertTrue(b.tryAcquire());
        b.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        assertTrue(b.tryAcquire());
        assertTrue(b.tryAcquire());
        assertEquals(2, b.opens());
    }

    @Test
    void aRejectedCallDoesNotTripButAnUnstartedProbeCountsAsFailed() {
        CircuitBreaker b = new CircuitBreaker(Duration.ofSeconds(1), ticker);
        b.onRejected();
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        b.onFailure();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(b.tryAcquire());
        b.onRejected();
        assertEquals(CircuitBreaker.State.OPEN, b.state());
        assertFalse(b.tryAcquire());
    }
}
