package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Action;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cores vs slots through the Flink adapter on a local environment of 2 task managers × 2 slots,
 * with the cores configured ({@code amorsize.cluster.cores}) so the test does not depend on this
 * machine: a CPU-bound function at parallelism 4 on 2 cores runs no faster than at 2, so the
 * recommendation shrinks to 2 and pays the rebalance Flink inserts for it.
 */
@ExtendWith(FlinkCluster.class)
@Timeout(120)
class FlinkCoresIT {

    private static final Pattern CPU = Pattern.compile("CPU (\\d+) % of wall time");

    @Test
    void aCpuBoundFunctionAtParallelismFourOnTwoCoresShrinksToTwo() {
        Configuration conf = new Configuration();
        conf.set(AmorsizeOptions.CLUSTER_CORES, 2);
        StreamExecutionEnvironment env = FlinkCluster.localEnv(4, conf);
        Recommendation rec = AmorsizeFlink.tune(
                env, AmorsizeFlinkIT.sample(300), new AmorsizeFlinkIT.Spin(400), 30_000, AmorsizeFlinkIT.QUICK);
        assertEquals(Source.COMPUTED, rec.source(), rec.explain());
        assertEquals(4, rec.currentPartitions(), rec.explain());
        assertTrue(rec.explain().contains("4 slots on 2 cores"), rec.explain());
        Matcher m = CPU.matcher(rec.explain());
        assertTrue(m.find(), rec.explain());
        // A busy-spin is CPU-bound; the run-queue wait is subtracted, so a loaded machine still shows it.
        assertTrue(Integer.parseInt(m.group(1)) >= 90, "spin measured as " + m.group() + ": " + rec.explain());
        assertEquals(2, rec.parallelism(), rec.explain());
        assertEquals(Action.REPARTITION, rec.action(), "a lower parallelism is a rebalance in Flink: " + rec.explain());
        assertTrue(rec.explain().contains("fewer tasks, same time: 4 -> 2"), rec.explain());
        assertTrue(rec.explain().contains("the 2 cores limit the parallelism"), rec.explain());
    }
}
