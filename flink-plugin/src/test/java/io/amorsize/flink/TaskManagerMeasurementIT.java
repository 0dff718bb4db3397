package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Amorsize;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measuring where the job runs, on a real standalone session cluster: the function is warmed up and
 * timed inside the TaskManager process (its pid in a marker the function writes, and in the
 * explanation), the cache is used by the client only (Redis sees no task manager), and
 * {@link MeasureOn#CLIENT} keeps measuring in this JVM.
 */
@Timeout(300)
class TaskManagerMeasurementIT {

    @TempDir
    java.nio.file.Path tmp;

    /** Spins per record and appends the pid of the JVM it runs in to a marker file. */
    static final class Marking implements MapFunction<Long, Long> {
        private final String marker;
        private final long micros;
        private transient boolean marked;

        Marking(String marker, long micros) {
            this.marker = marker;
            this.micros = micros;
        }

        @Override
        public Long map(Long v) {
            if (!marked) {
                marked = true;
                try {
                    Files.writeString(
                            java.nio.file.Path.of(marker),
                            ProcessHandle.current().pid() + "\n",
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            long end = System.nanoTime() + micros * 1_000;
            long x = v;
            while (System.nanoTime() < end) {
                x = x * 31 + 7;
            }
            return x;
        }
    }

    private static Set<Long> pids(java.nio.file.Path marker) throws IOException {
        Set<Long> out = new TreeSet<>();
        for (String line : Files.readAllLines(marker)) {
            out.add(Long.parseLong(line.trim()));
        }
        return out;
    }

    @Test
    void theFunctionIsMeasuredInTheTaskManagerProcessAndOnlyTheClientTalksToRedis() throws Exception {
        long me = ProcessHandle.current().pid();
        try (RedisServerProcess redis = RedisServerProcess.start();
                SessionCluster cluster = SessionCluster.start(tmp.resolve("cluster"), 1, 2, Duration.ofSeconds(150))) {
            long tm = cluster.taskManagerPids().get(0);
            Configuration conf = new Configuration();
            conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
            conf.set(AmorsizeOptions.REDIS_URL, redis.url());
            conf.set(AmorsizeOptions.CACHE_DIR, tmp.resolve("cache").toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                    cluster.rest.getHost(), cluster.rest.getPort(), conf);
            env.setParallelism(1);

            java.nio.file.Path onTm = tmp.resolve("tm.marker");
            long t0 = System.nanoTime();
            Recommendation rec = AmorsizeFlink.tune(
                    env, AmorsizeFlinkIT.sample(200), new Marking(onTm.toString(), 300), 30_000, AmorsizeFlinkIT.QUICK);
            assertEquals(Source.COMPUTED, rec.source(), rec.explain());
            System.out.printf("measured on the task manager in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertEquals(Set.of(tm), pids(onTm), "the function ran in the TaskManager process only, never here");
            assertTrue(
                    rec.explain().contains("measured on a task manager")
                            && rec.explain().contains("pid " + tm),
                    rec.explain());
            assertTrue(rec.parallelism() > 1 && rec.parallelism() <= 2, rec.toString());

            // The same key again: a hit in the client, no job and no call anywhere.
            Recommendation hit = AmorsizeFlink.tune(
                    env, AmorsizeFlinkIT.sample(200), new Marking(onTm.toString(), 300), 30_000, AmorsizeFlinkIT.QUICK);
            assertTrue(hit.cacheHit(), hit.explain());
            assertEquals(List.of(String.valueOf(tm)), Files.readAllLines(onTm), "a hit runs nothing");

            // Client-side measurement, explicitly: this JVM runs the function, no job.
            java.nio.file.Path here = tmp.resolve("client.marker");
            Recommendation local = AmorsizeFlink.tune(
                    env,
                    AmorsizeFlinkIT.sample(200),
                    new Marking(here.toString(), 301),
                    30_000,
                    FlinkTuneOptions.builder()
                            .measureBudget(Duration.ofMillis(600))
                            .measureOn(MeasureOn.CLIENT)
                            .build());
            assertEquals(Source.COMPUTED, local.source(), local.explain());
            assertEquals(Set.of(me), pids(here));
            assertTrue(local.explain().contains("measured in the Flink client JVM"), local.explain());

            String mine = "name=amorsize-" + me;
            String clients = redis.cli("CLIENT", "LIST");
            assertTrue(clients.contains(mine), clients);
            for (String line : clients.split("\n")) {
                assertFalse(line.contains("name=amorsize-" + tm), "the task manager never connects: " + line);
                assertTrue(line.contains(mine) || line.contains("cmd=client"), "only this client JVM: " + line);
            }
        } finally {
            Amorsize.disableDistributedCache();
        }
    }
}
