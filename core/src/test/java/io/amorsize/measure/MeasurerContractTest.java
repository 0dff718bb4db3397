package io.amorsize.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.BatchFunction;
import io.amorsize.RecordFunction;
import io.amorsize.Ticker;
import io.amorsize.config.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failures, arguments and use from a shipped closure. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MeasurerContractTest {

    private static Measurer quick() {
        return Measurer.withBudgets(Duration.ofMillis(100), Duration.ofMillis(20), Duration.ofMillis(100), 2000);
    }

    @Test
    void functionThrowingOnRecordKReportsIndexKAndTheException() {
        IllegalStateException boom = new IllegalStateException("boom on purpose");
        RecordFunction<Integer, Integer> fn = x -> {
            if (x == 7) {
                throw boom;
            }
            return x;
        };
        FunctionFailedException e =
                assertThrows(FunctionFailedException.class, () -> quick().measure(List.of(Work.ints(20)), fn));
        assertEquals(7, e.recordIndex());
        assertSame(boom, e.getCause());
        assertTrue(
                e.getMessage().contains("IllegalStateException")
                        && e.getMessage().contains("boom on purpose"),
                e.getMessage());
        assertTrue(e.getMessage().contains("#7"), e.getMessage());
    }

    @Test
    void indexIsThePositionInTheConcatenatedPartitions() {
        // partitions [10,11,12] [] [20,21,22,23]: record 22 is at flat index 5
        List<List<Integer>> groups = List.of(List.of(10, 11, 12), List.of(), List.of(20, 21, 22, 23));
        RecordFunction<Integer, Integer> fn = x -> {
            if (x == 22) {
                throw new IOException("disk on fire");
            }
            return x;
        };
        FunctionFailedException e = assertThrows(FunctionFailedException.class, () -> quick().measure(groups, fn));
        assertEquals(5, e.recordIndex());
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getMessage().contains("java.io.IOException: disk on fire"), e.getMessage());
    }

    @Test
    void batchFunctionFailureIsReported() {
        BatchFunction<Integer, Integer> fn = batch -> {
            if (batch.size() > 2) {
                throw new UnsupportedOperationException("too big");
            }
            return batch;
        };
        FunctionFailedException e =
                assertThrows(FunctionFailedException.class, () -> quick().measureBatches(Work.ints(10), fn));
        assertInstanceOf(UnsupportedOperationException.class, e.getCause());
        assertTrue(e.recordIndex() >= 0 && e.recordIndex() < 10, () -> "index " + e.recordIndex());
    }

    @Test
    void interruptedFunctionKeepsTheInterruptFlag() {
        RecordFunction<Integer, Integer> fn = x -> {
            throw new InterruptedException("stop");
        };
        try {
            assertThrows(FunctionFailedException.class, () -> quick().measure(List.of(Work.ints(3)), fn));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void errorsThatAreTheFunctionsFaultAreReportedToo() {
        RecordFunction<Integer, Integer> recursive = new RecordFunction<>() {
            @Override
            public Integer apply(Integer x) {
                return x == 4 ? apply(x) : x;
            }
        };
        FunctionFailedException e =
                assertThrows(FunctionFailedException.class, () -> quick().measure(List.of(Work.ints(10)), recursive));
        assertEquals(4, e.recordIndex());
        assertInstanceOf(StackOverflowError.class, e.getCause());
    }

    @Test
    void terminatesWithATickerThatNeverMoves() {
        // a broken clock must not hang measurement: call caps bound both phases
        Measurer frozen = new Measurer(Settings.defaults(), () -> 42L);
        CostProfile p = frozen.measure(List.of(Work.ints(10)), x -> x);
        assertTrue(p.sampleSize() >= 3, p::toString);
        CostProfile b = frozen.measureBatches(Work.ints(10), batch -> batch);
        assertTrue(b.batchFit().points() >= 2, b::toString);
    }

    @Test
    void interruptEndsMeasurementEarlyAndStaysSet() {
        Measurer slow =
                Measurer.withBudgets(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(60), 2000);
        Thread.currentThread().interrupt();
        try {
            long t0 = System.nanoTime();
            CostProfile p = slow.measure(List.of(Work.ints(100)), x -> Work.spinCpu(10_000));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "an interrupt must cut the 60 s budget short");
            assertTrue(p.sampleSize() >= 3, p::toString);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Measurer m = quick();
        assertMessage("fn", () -> m.measure(List.of(Work.ints(3)), null));
        assertMessage("recordsByPartition", () -> m.measure(null, x -> x));
        assertMessage("recordsByPartition", () -> m.measure(List.of(), x -> x));
        assertMessage("recordsByPartition", () -> m.measure(List.of(List.of(), List.of()), x -> x));
        List<List<Integer>> withNull = new ArrayList<>();
        withNull.add(null);
        assertMessage("recordsByPartition", () -> m.measure(withNull, x -> x));
        assertMessage("fn", () -> m.measureBatches(Work.ints(3), null));
        assertMessage("sample", () -> m.measureBatches(null, b -> b));
        assertMessage("sample", () -> m.measureBatches(List.of(), b -> b));
        assertMessage("sizer", () -> m.withSizer(null));
        assertMessage("maxRecords", () -> Measurer.withBudgets(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1));
        assertMessage("warmup", () -> Measurer.withBudgets(Duration.ZERO, Duration.ofMillis(-1), Duration.ZERO, 10));
    }

    private static void assertMessage(String name, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name), () -> "expected '" + name + "' in: " + e.getMessage());
    }

    /** What an engine closure does: capture only primitives, build the Measurer on the executor. */
    @FunctionalInterface
    interface ShippedTask extends java.io.Serializable {
        CostProfile run(List<Integer> partition);
    }

    @Test
    void usableFromAClosureShippedToAnotherJvm() throws Exception {
        long warmupMs = 20;
        long measureMs = 100;
        int maxRecords = 500;
        ShippedTask task = partition -> Measurer.withBudgets(
                        Duration.ofMillis(100), Duration.ofMillis(warmupMs), Duration.ofMillis(measureMs), maxRecords)
                .measure(List.of(partition), (RecordFunction<Integer, Integer>) x -> x + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        }
        ShippedTask copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ShippedTask) in.readObject();
        }
        CostProfile p = copy.run(Work.ints(50));
        assertTrue(p.meanNanos() > 0 && p.sampleSize() >= 3, p::toString);
        // and the result ships back
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(back)) {
            out.writeObject(p);
        }
        assertTrue(back.size() > 0);
    }

    @Test
    void settingsConstructorAndSamplerShareTheBudgets() {
        Measurer m = new Measurer(Settings.defaults(), Ticker.system());
        assertEquals(2000, m.sampler().maxRecords());
        assertEquals(Duration.ofMillis(300), m.sampler().budget());
    }

    @Test
    void javaSerializationSizer() {
        Sizer s = Sizer.javaSerialization();
        assertEquals(0, s.sizeOf(null));
        assertEquals(-1, s.sizeOf(new Object()));
        long small = s.sizeOf("a");
        long big = s.sizeOf("a".repeat(1000));
        assertTrue(small > 0 && big - small == 999, () -> small + " " + big);
    }
}
