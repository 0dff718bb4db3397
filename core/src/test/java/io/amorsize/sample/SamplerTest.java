package io.amorsize.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SamplerTest {

    /** A clock that moves only when the test says so. */
    static final class ManualTicker implements Ticker {
        long now = 1_000_000_000L;

        @Override
        public long nanos() {
            return now;
        }
    }

    /** Infinite source; each next() advances the manual clock by {@code stepNanos}; counts calls. */
    static final class ClockedInfinite implements Iterator<Integer> {
        final ManualTicker clock;
        final long stepNanos;
        int nextCalls;
        int hasNextCalls;

        ClockedInfinite(ManualTicker clock, long stepNanos) {
            this.clock = clock;
            this.stepNanos = stepNanos;
        }

        @Override
        public boolean hasNext() {
            hasNextCalls++;
            return true;
        }

        @Override
        public Integer next() {
            clock.now += stepNanos;
            return nextCalls++;
        }
    }

    private static Sampler sampler(Duration budget, int max, Ticker ticker) {
        Settings s = Settings.defaults().with(Options.SAMPLE_BUDGET, budget).with(Options.SAMPLE_MAX_RECORDS, max);
        return new Sampler(s, ticker);
    }

    @Test
    void stopsDeterministicallyAtTheTimeBudget() {
        ManualTicker clock = new ManualTicker();
        ClockedInfinite source = new ClockedInfinite(clock, 1_000_000L); // 1 ms per record
        Sample<Integer> s = sampler(Duration.ofMillis(10), 1000, clock).take(source);
        assertEquals(10, s.records().size());
        assertEquals(10, s.recordsRead());
        assertEquals(10, source.nextCalls, "lazy: no record read beyond the sample");
        assertFalse(s.exhausted());
        assertEquals(10_000_000L, s.elapsedNanos());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), s.records());
    }

    @Test
    void exceedsTheBudgetOnlyToReachThreeRecords() {
        ManualTicker clock = new ManualTicker();
        ClockedInfinite source = new ClockedInfinite(clock, 50_000_000L); // 50 ms per record, budget 10 ms
        Sample<Integer> s = sampler(Duration.ofMillis(10), 1000, clock).take(source);
        assertEquals(3, s.records().size());
        assertEquals(3, source.nextCalls);
        assertFalse(s.exhausted());
    }

    @Test
    void infiniteIteratorTerminatesAtTheRecordCap() {
        ManualTicker clock = new ManualTicker(); // never advances: only the cap can stop it
        ClockedInfinite source = new ClockedInfinite(clock, 0);
        Sample<Integer> s = sampler(Duration.ofSeconds(1), 500, clock).take(source);
        assertEquals(500, s.records().size());
        assertEquals(500, source.nextCalls);
        assertFalse(s.exhausted());
    }

    @Test
    void infiniteSlowIteratorTerminatesAtTheRealBudget() {
        Iterator<Integer> slow = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return i++;
            }
        };
        long t0 = System.nanoTime();
        Sample<Integer> s = Sampler.withBudget(Duration.ofMillis(50), 1_000_000).take(slow);
        long took = System.nanoTime() - t0;
        assertFalse(s.exhausted());
        assertTrue(
                s.records().size() >= 3 && s.records().size() <= 26,
                () -> "records " + s.records().size());
        assertTrue(took < 2_000_000_000L, () -> "took " + took);
        assertTrue(s.elapsedNanos() >= 50_000_000L, () -> "elapsed " + s.elapsedNanos());
    }

    @Test
    void fewerThanThreeRecordsAreAllTakenAndExhausted() {
        Sample<String> s = sampler(Duration.ZERO, 100, new ManualTicker())
                .take(List.of("a", "b").iterator());
        assertEquals(List.of("a", "b"), s.records());
        assertTrue(s.exhausted());
        assertEquals(2, s.recordsRead());

        Sample<String> empty = sampler(Duration.ofMillis(5), 100, new ManualTicker())
                .take(List.<String>of().iterator());
        assertTrue(empty.records().isEmpty());
        assertTrue(empty.exhausted());
    }

    @Test
    void exhaustedOnlyWhenHasNextReturnedFalse() {
        ManualTicker clock = new ManualTicker();
        // exactly as many records as the cap: the sampler stops at the cap without asking hasNext()
        Sample<Integer> atCap = sampler(Duration.ofSeconds(1), 5, clock)
                .take(List.of(1, 2, 3, 4, 5).iterator());
        assertEquals(5, atCap.records().size());
        assertFalse(atCap.exhausted());

        Sample<Integer> belowCap = sampler(Duration.ofSeconds(1), 6, clock)
                .take(List.of(1, 2, 3, 4, 5).iterator());
        assertEquals(5, belowCap.records().size());
        assertTrue(belowCap.exhausted());
        assertEquals(5, belowCap.recordsRead());
    }

    @Test
    void randomAccessListIsSampledAcrossItsWholeLength() {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            list.add(i);
        }
        Sample<Integer> s =
                sampler(Duration.ofSeconds(1), 100, new ManualTicker()).take(list);
        assertEquals(100, s.records().size());
        assertEquals(0, s.records().get(0));
        assertTrue(s.records().get(99) >= 9_800, () -> "last " + s.records().get(99));
        assertTrue(s.exhausted());
        assertEquals(10_000, s.recordsRead());

        Sample<Integer> small =
                sampler(Duration.ofSeconds(1), 100, new ManualTicker()).take(list.subList(0, 7));
        assertEquals(7, small.records().size());
        assertTrue(small.exhausted());

        Sample<Integer> linked =
                sampler(Duration.ofSeconds(1), 100, new ManualTicker()).take(new LinkedList<>(list));
        assertEquals(100, linked.records().size());
        assertEquals(10_000, linked.recordsRead());
    }

    @Test
    void iterableIsSampledFromTheFront() {
        Iterable<Integer> it = () -> List.of(7, 8, 9, 10).iterator();
        Sample<Integer> s =
                sampler(Duration.ofSeconds(1), 3, new ManualTicker()).take(it);
        assertEquals(List.of(7, 8, 9), s.records());
    }

    @Test
    void sourceFailureIsNotSwallowed() {
        Iterator<Integer> broken = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                throw new NoSuchElementException("broken source");
            }
        };
        assertThrows(
                NoSuchElementException.class,
                () -> Sampler.withBudget(Duration.ofSeconds(1), 10).take(broken));
    }

    @Test
    void badArgumentsAreNamed() {
        Sampler s = Sampler.withBudget(Duration.ofMillis(10), 10);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> s.take((Iterator<Object>) null));
        assertTrue(e.getMessage().contains("source"), e.getMessage());
        IllegalArgumentException cap =
                assertThrows(IllegalArgumentException.class, () -> Sampler.withBudget(Duration.ofMillis(10), 2));
        assertTrue(cap.getMessage().contains("maxRecords"), cap.getMessage());
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> Sampler.withBudget(Duration.ofMillis(-1), 10));
        assertTrue(negative.getMessage().contains("budget"), negative.getMessage());
    }

    @Test
    void settingsProvideTheDefaults() {
        Sampler s = new Sampler(Settings.defaults(), Ticker.system());
        assertEquals(Options.SAMPLE_MAX_RECORDS.defaultValue(), s.maxRecords());
        assertEquals(Options.SAMPLE_BUDGET.defaultValue(), s.budget());
    }
}
