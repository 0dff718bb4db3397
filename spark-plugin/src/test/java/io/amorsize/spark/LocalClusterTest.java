package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.model.ClusterShape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Executors as separate JVMs ({@code local-cluster[2,1,1024]}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalClusterTest {

    private JavaSparkContext jsc;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void start() throws Exception {
        jsc = SparkTestSupport.localCluster("LocalClusterTest", Map.of());
    }

    @AfterAll
    void stop() {
        if (jsc != null) {
            jsc.stop();
        }
    }

    @Test
    void shapeAndCalibratedOverheadOfTwoExecutorJvms() {
        ClusterShape shape = SparkClusterShape.of(jsc.sc(), 0);
        assertEquals(2, shape.slots());
        assertEquals(512L * 1024 * 1024, shape.memoryPerSlotBytes(), "1024 MiB worker, one core per executor");
        double o = OverheadCalibrator.calibrate(jsc, shape.slots());
        assertTrue(o > 0 && o < 1e9, "per-task overhead " + o / 1e6 + " ms");
    }

    @Test
    void samplingRunsInExecutorJvms() {
        JavaRDD<Integer> rdd = jsc.parallelize(IntStream.range(0, 4000).boxed().collect(Collectors.toList()), 8)
                .map(x -> x * 2);
        RddSampler.Result<Integer> r = RddSampler.sample(rdd.rdd(), KnownSizes.of(rdd.rdd()), 4, 400, 1_000_000_000L,
                new Random(7));
        assertEquals(4000, r.workload().records());
        List<Long> pids = jsc.parallelize(List.of(1, 2, 3, 4), 4).map(x -> ProcessHandle.current().pid()).collect();
        pids.forEach(pid -> assertNotEquals(ProcessHandle.current().pid(), pid));
    }
}
