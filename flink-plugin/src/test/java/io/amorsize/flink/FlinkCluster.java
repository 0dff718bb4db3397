package io.amorsize.flink;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Flink {@link MiniCluster} (flink-runtime, no flink-test-utils) with 2 task managers × 2 slots
 * and a REST endpoint on a free port, shared by every test class of the JVM that registers this
 * extension; closed when the test run ends. Jobs are submitted through
 * {@link StreamExecutionEnvironment#createRemoteEnvironment} against its REST port, so each job does
 * not pay a cluster start-up, and the REST path of {@link FlinkClusterShape} is exercised for real.
 */
final class FlinkCluster implements BeforeAllCallback {

    static final int TASK_MANAGERS = 2;
    static final int SLOTS_PER_TM = 2;
    static final int SLOTS = TASK_MANAGERS * SLOTS_PER_TM;

    private static volatile Running running;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (FlinkCluster.class) {
            if (running == null) {
                running = context.getRoot()
                        .getStore(ExtensionContext.Namespace.GLOBAL)
                        .getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class);
            }
        }
    }

    /** REST base URI of the shared cluster. */
    static URI rest() {
        return running.rest;
    }

    /** A BATCH-mode environment that submits to the shared cluster, default parallelism {@code p}. */
    static StreamExecutionEnvironment env(int parallelism) {
        return env(parallelism, new Configuration());
    }

    static StreamExecutionEnvironment env(int parallelism, Configuration extra) {
        Configuration conf = withCache(extra);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(rest().getHost(), rest().getPort(), conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** A BATCH-mode local environment with its own mini cluster of 2 task managers × 2 slots. */
    static StreamExecutionEnvironment localEnv(int parallelism, Configuration extra) {
        Configuration conf = withCache(extra);
        conf.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, TASK_MANAGERS);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, SLOTS_PER_TM);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /**
     * {@code extra} plus {@code amorsize.cache.dir} = a directory fresh for this test JVM (unless
     * {@code extra} names one), so a profile measured by an earlier run is never a hit.
     */
    static Configuration withCache(Configuration extra) {
        Configuration conf = new Configuration(extra);
        if (!conf.toMap().containsKey(AmorsizeOptions.CACHE_DIR.key())) {
            conf.set(AmorsizeOptions.CACHE_DIR, running.cacheDir.toString());
        }
        return conf;
    }

    static final class Running implements AutoCloseable {
        final MiniCluster cluster;
        final URI rest;
        final java.nio.file.Path cacheDir;

        private Running(MiniCluster cluster, URI rest, java.nio.file.Path cacheDir) {
            this.cluster = cluster;
            this.rest = rest;
            this.cacheDir = cacheDir;
        }

        static Running start() {
            Configuration conf = new Configuration();
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(RestOptions.ADDRESS, "127.0.0.1");
            conf.set(RestOptions.BIND_PORT, "0");
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
            MiniCluster mc = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumTaskManagers(TASK_MANAGERS)
                    .setNumSlotsPerTaskManager(SLOTS_PER_TM)
                    .build());
            try {
                mc.start();
                return new Running(
                        mc,
                        mc.getRestAddress().get(30, TimeUnit.SECONDS),
                        java.nio.file.Files.createTempDirectory("amorsize-flink-cache"));
            } catch (Exception e) {
                mc.closeAsync();
                throw new IllegalStateException("MiniCluster did not start", e);
            }
        }

        @Override
        public void close() throws Exception {
            running = null;
            try {
                cluster.closeAsync().get(60, TimeUnit.SECONDS);
            } finally {
                try (var files = java.nio.file.Files.walk(cacheDir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}
