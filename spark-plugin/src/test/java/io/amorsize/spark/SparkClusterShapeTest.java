package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amorsize.model.ClusterShape;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkClusterShapeTest {

    private static final long HEAP = 1L << 30;

    private static ClusterShape shape(String master, SparkConf conf, int executors, int defaultParallelism) {
        return SparkClusterShape.of(master, conf, "4.1.1", executors, defaultParallelism, HEAP, 8, 1000, "amd64");
    }

    @Test
    void localMasters() {
        SparkConf c = new SparkConf(false);
        assertEquals(1, shape("local", c, 0, 1).slots());
        assertEquals(2, shape("local[2]", c, 0, 2).slots());
        assertEquals(HEAP / 2, shape("local[2]", c, 0, 2).memoryPerSlotBytes());
        assertEquals(3, shape("local[3,4]", c, 0, 3).slots());
        assertEquals(8, shape("local[*]", c, 0, 8).slots());
    }

    /** local[N] is N slots on this machine's processors (the fake machine here has 8). */
    @Test
    void localMastersCompareTheSlotsWithTheMachinesCores() {
        SparkConf c = new SparkConf(false);
        assertEquals(8, shape("local[16]", c, 0, 16).cores());
        assertEquals(16, shape("local[16]", c, 0, 16).slots());
        assertEquals(8, shape("local[2]", c, 0, 2).cores(), "more cores than slots: the slots limit");
        assertEquals(2, shape("local[2]", c, 0, 2).fullSpeedSlots());
        assertEquals(8, shape("local-cluster[2,3,1024]", c, 2, 6).cores(), "its executors run on this machine");
        assertEquals(
                12,
                shape("spark://master:7077", new SparkConf(false).set("spark.executor.cores", "4"), 3, 99)
                        .cores(),
                "a real cluster's executors report their cores later: one per slot until then");
        assertEquals(
                shape("local[16]", c, 0, 16).fingerprint(),
                shape("local[16]", c, 0, 16).withCores(16).fingerprint(),
                "cores are not part of the cache key");
    }

    @Test
    void theConfiguredCoresWin() {
        io.amorsize.config.Settings conf = SparkSettings.resolve(
                new SparkConf(false).set("spark.amorsize.cluster.cores", "3"), java.util.Map.of(), java.util.Map.of());
        assertEquals(
                3,
                shape("local[16]", new SparkConf(false), 0, 16)
                        .withConfiguredCores(conf)
                        .cores());
        io.amorsize.config.Settings perCall = SparkSettings.resolve(
                new SparkConf(false).set("spark.amorsize.cluster.cores", "3"),
                java.util.Map.of(),
                SparkTuneOptions.builder().cores(2).build().perCallOverrides());
        assertEquals(
                2,
                shape("local[16]", new SparkConf(false), 0, 16)
                        .withConfiguredCores(perCall)
                        .cores());
    }

    @Test
    void localClusterIsExecutorsTimesCores() {
        ClusterShape s = shape("local-cluster[2,3,1024]", new SparkConf(false), 2, 6);
        assertEquals(6, s.slots());
        assertEquals(1024L * 1024 * 1024 / 3, s.memoryPerSlotBytes());
        assertEquals("spark-4.1.1-amd64-8c-m28", s.fingerprint(), "the executors' CPU class, not the slots");
    }

    @Test
    void clusterUsesRegisteredExecutorsAndConfiguredCores() {
        SparkConf c = new SparkConf(false).set("spark.executor.cores", "4").set("spark.executor.memory", "8g");
        ClusterShape s = shape("spark://master:7077", c, 3, 99);
        assertEquals(12, s.slots());
        assertEquals(2L << 30, s.memoryPerSlotBytes());
        // without configured cores: Spark's default parallelism (total registered cores)
        assertEquals(10, shape("yarn", new SparkConf(false), 5, 10).slots());
    }

    /** The key holds the executors' CPU class and the memory per slot, not the slot count. */
    @Test
    void theFingerprintSurvivesAChangeOfSlotsButNotOfCpuClassOrMemoryPerSlot() {
        SparkConf c = new SparkConf(false);
        ClusterShape two = SparkClusterShape.of("local[2]", c, "4.1.1", 0, 2, 1L << 30, 8, 1000, "amd64");
        ClusterShape four = SparkClusterShape.of("local[4]", c, "4.1.1", 0, 4, 2L << 30, 8, 1000, "amd64");
        assertEquals("spark-4.1.1-amd64-8c-m29", two.fingerprint());
        assertEquals(two.fingerprint(), four.fingerprint(), "same CPU class and memory per slot: one profile");
        ClusterShape fourSmall = SparkClusterShape.of("local[4]", c, "4.1.1", 0, 4, 1L << 30, 8, 1000, "amd64");
        org.junit.jupiter.api.Assertions.assertNotEquals(
                two.fingerprint(), fourSmall.fingerprint(), "half the memory per slot: another bucket");
        ClusterShape arm = SparkClusterShape.of("local[2]", c, "4.1.1", 0, 2, 1L << 30, 8, 1000, "aarch64");
        org.junit.jupiter.api.Assertions.assertNotEquals(two.fingerprint(), arm.fingerprint(), "another arch");
        ClusterShape fewer = SparkClusterShape.of("local[2]", c, "4.1.1", 0, 2, 1L << 30, 4, 1000, "amd64");
        org.junit.jupiter.api.Assertions.assertNotEquals(
                two.fingerprint(), fewer.fingerprint(), "executors that see fewer processors");
        SparkConf exec4 = new SparkConf(false).set("spark.executor.cores", "4").set("spark.executor.memory", "8g");
        ClusterShape three = SparkClusterShape.of("spark://m:7077", exec4, "4.1.1", 3, 12, HEAP, 2, 1000, "amd64");
        ClusterShape ten = SparkClusterShape.of("spark://m:7077", exec4, "4.1.1", 10, 40, HEAP, 2, 1000, "amd64");
        assertEquals("spark-4.1.1-amd64-4c-m31", three.fingerprint(), "spark.executor.cores per executor");
        assertEquals(three.fingerprint(), ten.fingerprint(), "dynamic allocation: 3 -> 10 executors, one profile");
        assertEquals(
                "spark-4.1.1-s10-m30",
                shape("yarn", new SparkConf(false), 5, 10).fingerprint(),
                "executor cores not configured: the CPU class is unknown and the slots stay in the key");
    }
}
