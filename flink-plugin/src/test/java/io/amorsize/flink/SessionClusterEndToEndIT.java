package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Amorsize;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.model.ClusterShape;
import io.amorsize.testing.RedisServerProcess;
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

/**
 * One end-to-end run on a real standalone session cluster (JobManager and TaskManager processes)
 * with a real Redis as the shared cache: the client tunes against the running cluster's REST API,
 * the job runs in the task manager process with the tuned parallelism and batch size, and Redis
 * only ever sees connections from the client.
 */
@Timeout(180)
class SessionClusterEndToEndIT {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void tuneReadsTheRunningClusterAndTheJobRunsWithTheTunedParallelism() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                SessionCluster cluster = SessionCluster.start(tmp.resolve("cluster"), 1, 3, Duration.ofSeconds(90))) {
            Configuration conf = new Configuration();
            conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
            conf.set(AmorsizeOptions.REDIS_URL, redis.url());
            conf.set(AmorsizeOptions.CACHE_DIR, tmp.resolve("cache").toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                    cluster.rest.getHost(), cluster.rest.getPort(), conf);
            env.setParallelism(1);

            ClusterShape shape = FlinkClusterShape.detect(
                    env, AmorsizeFlink.settingsFor(env, FlinkTuneOptions.defaults(), java.util.Map.of()));
            assertEquals(3, shape.slots(), "slots-total of the running cluster, not this JVM's guess");
            assertEquals((128L << 20) / 3, shape.memoryPerSlotBytes(), "the task manager's 128m task heap / 3 slots");
            assertEquals(
                    Runtime.getRuntime().availableProcessors(),
                    shape.cores(),
                    "hardware.cpuCores the task manager process reports (same machine as this JVM)");

            AmorsizeFlinkIT.Spin fn = new AmorsizeFlinkIT.Spin(400);
            Recommendation rec =
                    AmorsizeFlink.tune(env, AmorsizeFlinkIT.sample(200), fn, 30_000, AmorsizeFlinkIT.QUICK);
            assertEquals(Source.COMPUTED, rec.source(), rec.explain());
            assertTrue(rec.parallelism() > 1 && rec.parallelism() <= 3, rec.toString());

            Set<String> seen = new TreeSet<>();
            try (CloseableIterator<String> it = env.fromSequence(1, 600)
                    .setParallelism(1)
                    .rebalance()
                    .map(new AmorsizeFlinkIT.Spin(1))
                    .setParallelism(rec.parallelism())
                    .map(new AmorsizeFlinkIT.WhereAmI())
                    .setParallelism(rec.parallelism())
                    .executeAndCollect()) {
                it.forEachRemaining(seen::add);
            }
            assertEquals(rec.parallelism(), seen.size(), seen.toString());
            assertTrue(seen.stream().allMatch(s -> s.endsWith("/" + rec.parallelism())), seen.toString());

            Recommendation batches = AmorsizeFlink.tuneBatches(
                    env, AmorsizeFlinkIT.sample(300), new AmorsizeFlinkIT.Lookup(), 5_000, AmorsizeFlinkIT.QUICK);
            long count = 0;
            try (CloseableIterator<Long> it = AmorsizeFlink.mapBatches(
                            env.fromSequence(1, 3_000),
                            new AmorsizeFlinkIT.Lookup(),
                            batches,
                            org.apache.flink.api.common.typeinfo.Types.LONG)
                    .executeAndCollect()) {
                while (it.hasNext()) {
                    it.next();
                    count++;
                }
            }
            assertEquals(3_000, count, "mapBatches in the task manager process: every record");

            String me = "name=amorsize-" + ProcessHandle.current().pid();
            String clients = redis.cli("CLIENT", "LIST");
            assertTrue(clients.contains(me), clients);
            for (String line : clients.split("\n")) {
                assertTrue(
                        line.contains(me) || line.contains("cmd=client"),
                        "only this client JVM talks to Redis, never a task manager: " + line);
            }
        } finally {
            Amorsize.disableDistributedCache();
        }
    }
}
