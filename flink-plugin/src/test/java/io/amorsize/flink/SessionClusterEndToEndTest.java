package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.model.ClusterShape;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One end-to-end run on a real standalone session cluster (JobManager and TaskManager processes). */
@Timeout(180)
class SessionClusterEndToEndTest {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void tuneReadsTheRunningClusterAndTheJobRunsWithTheTunedParallelism() throws Exception {
        try (SessionCluster cluster = SessionCluster.start(tmp.resolve("cluster"), 1, 3, Duration.ofSeconds(90))) {
            Configuration conf = new Configuration();
            conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                    cluster.rest.getHost(), cluster.rest.getPort(), conf);
            env.setParallelism(1);

            ClusterShape shape = FlinkClusterShape.detect(env, AmorsizeFlink.settingsFor(env,
                    FlinkTuneOptions.defaults(), java.util.Map.of()));
            assertEquals(3, shape.slots(), "slots-total of the running cluster, not this JVM's guess");
            assertEquals((128L << 20) / 3, shape.memoryPerSlotBytes(), "the task manager's 128m task heap / 3 slots");

            AmorsizeFlinkTest.Spin fn = new AmorsizeFlinkTest.Spin(400);
            Recommendation rec = AmorsizeFlink.tune(env, AmorsizeFlinkTest.sample(200), fn, 30_000,
                    AmorsizeFlinkTest.QUICK);
            assertEquals(Source.COMPUTED, rec.source(), rec.explain());
            assertTrue(rec.parallelism() > 1 && rec.parallelism() <= 3, rec.toString());

            Set<String> seen = new TreeSet<>();
            try (CloseableIterator<String> it = env.fromSequence(1, 600)
                    .map(new AmorsizeFlinkTest.Spin(1)).setParallelism(rec.parallelism())
                    .map(new AmorsizeFlinkTest.WhereAmI()).setParallelism(rec.parallelism())
                    .executeAndCollect()) {
                it.forEachRemaining(seen::add);
            }
            assertEquals(rec.parallelism(), seen.size(), seen.toString());
            assertTrue(seen.stream().allMatch(s -> s.endsWith("/" + rec.parallelism())), seen.toString());
        }
    }
}
