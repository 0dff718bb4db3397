package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amorsize.model.ClusterShape;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkClusterShapeTest {

    private static final long HEAP = 1L << 30;

    private static ClusterShape shape(String master, SparkConf conf, int executors, int defaultParallelism) {
        return SparkClusterShape.of(master, conf, "4.1.1", executors, defaultParallelism, HEAP, 8, 1000);
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

    @Test
    void localClusterIsExecutorsTimesCores() {
        ClusterShape s = shape("local-cluster[2,3,1024]", new SparkConf(false), 2, 6);
        assertEquals(6, s.slots());
        assertEquals(1024L * 1024 * 1024 / 3, s.memoryPerSlotBytes());
        assertEquals("spark-4.1.1-s6-m28", s.fingerprint());
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
}
