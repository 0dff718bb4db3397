package io.amorsize.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The cluster part of the cache key: the executors' CPU class and the memory per slot, not the slots. */
class ClusterShapeCpuClassTest {

    @Test
    void withACpuClassTheSlotsLeaveTheFingerprint() {
        ClusterShape two = new ClusterShape("spark", "4.1.1", 2, 1L << 29, 1000, 2, "amd64-4c");
        ClusterShape forty = new ClusterShape("spark", "4.1.1", 40, (1L << 29) + 5, 1000, 40, "amd64-4c");
        assertEquals("spark-4.1.1-amd64-4c-m29", two.fingerprint());
        assertEquals(two.fingerprint(), forty.fingerprint());
        assertNotEquals(two.fingerprint(), forty.withCpuClass("aarch64-4c").fingerprint());
        assertNotEquals(
                two.fingerprint(),
                new ClusterShape("spark", "4.1.1", 2, 1L << 28, 1000, 2, "amd64-4c").fingerprint(),
                "another memory bucket per slot");
        assertEquals("amd64-4c", two.withCores(1).withPerTaskOverheadNanos(5).cpuClass(), "the withers keep it");
    }

    @Test
    void withoutOneTheSlotsStayAsBefore() {
        assertEquals("spark-4.1.1-s8-m30", new ClusterShape("spark", "4.1.1", 8, 1L << 30, 1000).fingerprint());
        assertEquals("", new ClusterShape("spark", "4.1.1", 8, 1L << 30, 1000, 4).cpuClass());
    }

    @Test
    void cpuClassOfIsATokenOfArchAndProcessors() {
        assertEquals("amd64-4c", ClusterShape.cpuClassOf("amd64", 4));
        assertEquals("weird_arch_-2c", ClusterShape.cpuClassOf("weird arch:", 2));
        assertEquals("unknown-1c", ClusterShape.cpuClassOf(null, 1));
        assertThrows(IllegalArgumentException.class, () -> ClusterShape.cpuClassOf("amd64", 0));
        assertThrows(IllegalArgumentException.class, () -> new ClusterShape("spark", "4.1.1", 2, 1, 0, 2, "a b"));
        assertEquals(
                ClusterShape.cpuClassOf(
                        System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors()),
                ClusterShape.localCpuClass());
    }
}
