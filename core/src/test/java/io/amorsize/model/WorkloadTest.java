package io.amorsize.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The named factories mean what the positional values used to. */
class WorkloadTest {

    @Test
    void exactIsEvenlySpreadWithoutLimits() {
        Workload w = Workload.exact(1_000, 4);
        assertEquals(1_000, w.records());
        assertTrue(w.recordsExact());
        assertEquals(0.0, w.relativeError());
        assertEquals(4, w.currentPartitions());
        assertEquals(0.25, w.largestPartitionShare());
        assertEquals(0, w.maxParallelism());
        assertFalse(w.preferDivisorsOfMax());
        assertFalse(w.limits().bounded());
        assertEquals(w, Workload.of(1_000, 4));
    }

    @Test
    void estimatedCarriesItsError() {
        Workload w = Workload.estimated(5_000, 0.4, 2);
        assertFalse(w.recordsExact());
        assertEquals(0.4, w.relativeError());
        assertEquals(0.5, w.largestPartitionShare());
    }

    @Test
    void withersChangeOnlyTheirPart() {
        Workload base = Workload.estimated(5_000, 0.4, 2);
        Workload skewed = base.withLargestShare(0.9);
        assertEquals(0.9, skewed.largestPartitionShare());
        assertEquals(base.count(), skewed.count());
        assertEquals(base.limits(), skewed.limits());

        Workload capped = base.withMaxParallelism(10);
        assertEquals(10, capped.maxParallelism());
        assertFalse(capped.preferDivisorsOfMax());
        Workload keyed = base.withKeyedMaxParallelism(128);
        assertEquals(128, keyed.maxParallelism());
        assertTrue(keyed.preferDivisorsOfMax());
        assertEquals(keyed, base.withMaxParallelism(128, true));
        assertEquals(base.partitions(), keyed.partitions());
    }

    @Test
    void badPartsAreNamed() {
        assertMessage("records", () -> Workload.exact(-1, 1));
        assertMessage("currentPartitions", () -> Workload.exact(1, 0));
        assertMessage("relativeError", () -> Workload.estimated(1, Double.NaN, 1));
        assertMessage("largestPartitionShare", () -> Workload.exact(10, 2).withLargestShare(0));
        assertMessage("maxParallelism", () -> Workload.exact(10, 2).withMaxParallelism(-1));
    }

    private static void assertMessage(String name, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name), () -> "expected '" + name + "' in: " + e.getMessage());
    }
}
