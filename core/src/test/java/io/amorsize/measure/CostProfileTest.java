package io.amorsize.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parts of a profile and the flat accessors that read through to them. */
class CostProfileTest {

    @Test
    void flatAccessorsReadThroughToTheParts() {
        CostProfile p = CostProfile.perRecord(
                new CostProfile.Sample(200, true, 1.5),
                new CostProfile.Timing(1200, 1100, 1900, 2500, 4000, 0.3),
                new CostProfile.Resources(900, 64),
                CostProfile.Sizes.of(80, 16));
        assertEquals(200, p.sampleSize());
        assertTrue(p.steadyState());
        assertEquals(1.5, p.partitionSkew());
        assertEquals(1200, p.meanNanos());
        assertEquals(1100, p.p50Nanos());
        assertEquals(1900, p.p95Nanos());
        assertEquals(2500, p.p99Nanos());
        assertEquals(4000, p.maxNanos());
        assertEquals(0.3, p.cv());
        assertEquals(360, p.stddevNanos(), 1e-9);
        assertEquals(900, p.cpuNanos());
        assertEquals(64, p.allocatedBytes());
        assertEquals(80, p.inputBytes());
        assertEquals(16, p.outputBytes());
        assertEquals(0.75, p.cpuFraction());
        assertFalse(p.ioBound());
        assertNull(p.batchFit());
        assertFalse(p.isBatch());
        assertTrue(p.withBatchFit(new BatchFit(1, 2, 2, 1)).isBatch());
    }

    @Test
    void unknownPartsReadAsMinusOne() {
        CostProfile p = CostProfile.of(1000, 0.1, CostProfile.Sizes.unknown());
        assertEquals(-1, p.cpuNanos());
        assertEquals(-1, p.allocatedBytes());
        assertEquals(-1, p.inputBytes());
        assertEquals(-1, p.outputBytes());
        assertTrue(Double.isNaN(p.cpuFraction()));
        assertFalse(p.resources().cpuKnown());
        assertFalse(p.sizes().inputKnown());
        assertEquals(CostProfile.Resources.unknown(), CostProfile.Resources.cpu(-1));
    }

    @Test
    void ofApproximatesQuantilesFromMeanAndCv() {
        CostProfile p = CostProfile.of(1000, 0.1, 10, 20);
        assertEquals(1, p.sampleSize());
        assertTrue(p.steadyState());
        assertEquals(1.0, p.partitionSkew());
        assertEquals(1000, p.p50Nanos());
        assertEquals(1000 + 1.645 * 100, p.p95Nanos(), 1e-9);
        assertEquals(1000 + 2.326 * 100, p.p99Nanos(), 1e-9);
        assertEquals(1300, p.maxNanos(), 1e-9);
        assertEquals(10, p.inputBytes());
        assertEquals(20, p.outputBytes());
    }

    @Test
    void badPartsAreNamed() {
        assertMessage("sampleSize", () -> CostProfile.Sample.of(0, true));
        assertMessage("partitionSkew", () -> new CostProfile.Sample(1, true, 0.5));
        assertMessage("meanNanos", () -> CostProfile.Timing.approximate(0, 0));
        assertMessage("p95Nanos", () -> new CostProfile.Timing(1, 1, -1, 1, 1, 0));
        assertMessage("cpuNanos", () -> CostProfile.Resources.cpu(Double.NaN));
        assertMessage("outputBytes", () -> CostProfile.Sizes.of(1, Double.POSITIVE_INFINITY));
        assertThrows(NullPointerException.class, () -> CostProfile.perRecord(null, null, null, null));
    }

    private static void assertMessage(String name, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name), () -> "expected '" + name + "' in: " + e.getMessage());
    }
}
