package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.amorsize.config.Settings;
import io.amorsize.model.ClusterShape;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FlinkCluster.class)
@Timeout(60)
class FlinkClusterShapeIT {

    private static final Settings SETTINGS =
            Settings.builder().perCall(java.util.Map.of("task.overhead", "7ms")).build();

    @Test
    void localEnvironmentCountsTaskManagersTimesSlots() {
        StreamExecutionEnvironment env = FlinkCluster.localEnv(3, new Configuration());
        ClusterShape shape = FlinkClusterShape.detect(env, SETTINGS);
        assertEquals(FlinkCluster.SLOTS, shape.slots());
        assertEquals("flink", shape.engine());
        assertEquals(EnvironmentInformation.getVersion(), shape.engineVersion());
        assertTrue(shape.engineVersion().startsWith("2."), shape.engineVersion());
        assertEquals(Runtime.getRuntime().maxMemory() / FlinkCluster.SLOTS, shape.memoryPerSlotBytes());
        assertEquals(Duration.ofMillis(7).toNanos(), shape.perTaskOverheadNanos(), 0.0);
        assertEquals(3, FlinkClusterShape.defaultParallelism(env));
    }

    @Test
    void localEnvironmentWithoutSlotsConfiguredIsSizedToTheParallelism() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(3, new Configuration());
        assertEquals(3, FlinkClusterShape.detect(env, SETTINGS).slots());
        Configuration threeTms = new Configuration();
        threeTms.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, 3);
        threeTms.set(TaskManagerOptions.NUM_TASK_SLOTS, 5);
        assertEquals(15, FlinkClusterShape.localSlots(threeTms, 2));
    }

    @Test
    void runningClusterIsReadFromRestOverview() {
        StreamExecutionEnvironment env = FlinkCluster.env(1);
        ClusterShape shape = FlinkClusterShape.detect(env, SETTINGS);
        assertEquals(FlinkCluster.SLOTS, shape.slots(), "slots-total of 2 task managers x 2 slots");
        assertEquals(EnvironmentInformation.getVersion(), shape.engineVersion());
        assertEquals(
                Runtime.getRuntime().maxMemory() / FlinkCluster.SLOTS,
                shape.memoryPerSlotBytes(),
                "a mini cluster reports a 1 TiB placeholder heap: this JVM's heap is the better guess");
        assertEquals(
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                shape.cores(),
                "hardware.cpuCores of the 2 task managers, which share this JVM's machine: counted once");
    }

    @Test
    void localEnvironmentHasThisMachinesCoresUnlessConfigured() {
        StreamExecutionEnvironment env = FlinkCluster.localEnv(3, new Configuration());
        assertEquals(
                Runtime.getRuntime().availableProcessors(),
                FlinkClusterShape.detect(env, SETTINGS).cores());
        Configuration conf = new Configuration();
        conf.set(AmorsizeOptions.CLUSTER_CORES, 3);
        StreamExecutionEnvironment configured = FlinkCluster.localEnv(3, conf);
        Settings fromConf = AmorsizeFlink.settingsFor(configured, FlinkTuneOptions.defaults(), java.util.Map.of());
        assertEquals(3, FlinkClusterShape.detect(configured, fromConf).cores(), "amorsize.cluster.cores wins");
        Settings perCall = AmorsizeFlink.settingsFor(
                configured, FlinkTuneOptions.builder().cores(1).build(), java.util.Map.of());
        assertEquals(1, FlinkClusterShape.detect(configured, perCall).cores(), "the per-call option wins over both");
        assertEquals(1, FlinkClusterShape.withSlots(configured, perCall, 8).cores());
        assertEquals(8, FlinkClusterShape.withSlots(env, SETTINGS, 8).cores(), "not asked: one core per slot");
        assertThrows(
                IllegalArgumentException.class, () -> FlinkTuneOptions.builder().cores(0));
    }

    @Test
    void hardwareCoresAreCountedOncePerHost() throws Exception {
        String json = "{\"taskmanagers\":["
                + "{\"id\":\"a\",\"path\":\"pekko.tcp://flink@10.0.0.7:6122/user/rpc/taskmanager_0\",\"hardware\":{\"cpuCores\":8}},"
                + "{\"id\":\"b\",\"path\":\"pekko.tcp://flink@10.0.0.7:6123/user/rpc/taskmanager_1\",\"hardware\":{\"cpuCores\":8}},"
                + "{\"id\":\"c\",\"path\":\"pekko.tcp://flink@10.0.0.8:6122/user/rpc/taskmanager_0\",\"hardware\":{\"cpuCores\":2}},"
                + "{\"id\":\"d\",\"hardware\":{\"cpuCores\":4}},"
                + "{\"id\":\"e\",\"path\":\"pekko.tcp://flink@10.0.0.9:6122/user/rpc/taskmanager_0\"}]}";
        assertEquals(8 + 2 + 4, FlinkClusterShape.hardwareCores(new ObjectMapper().readTree(json)));
        String local = "{\"taskmanagers\":[{\"id\":\"a\",\"path\":\"pekko://flink/user/rpc/taskmanager_0\","
                + "\"hardware\":{\"cpuCores\":2}},{\"id\":\"b\",\"path\":\"pekko://flink/user/rpc/taskmanager_1\","
                + "\"hardware\":{\"cpuCores\":2}}]}";
        assertEquals(2, FlinkClusterShape.hardwareCores(new ObjectMapper().readTree(local)));
        assertEquals(0, FlinkClusterShape.hardwareCores(new ObjectMapper().readTree("{}")));
    }

    @Test
    void unsetParallelismMeansParallelismDefault() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 3);
        conf.set(RestOptions.ADDRESS, FlinkCluster.rest().getHost());
        conf.set(RestOptions.PORT, FlinkCluster.rest().getPort());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                FlinkCluster.rest().getHost(), FlinkCluster.rest().getPort(), conf);
        assertEquals(3, FlinkClusterShape.defaultParallelism(env));
    }

    @Test
    void unreachableRestFailsFastWithTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", port);
        long t0 = System.nanoTime();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> FlinkClusterShape.detect(env, SETTINGS));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void slotsGivenPerCallSkipDetection() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.TASK_HEAP_MEMORY, org.apache.flink.configuration.MemorySize.parse("1g"));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", 1, conf);
        ClusterShape shape = FlinkClusterShape.withSlots(env, SETTINGS, 32);
        assertEquals(32, shape.slots());
        assertEquals(256L << 20, shape.memoryPerSlotBytes());
        assertThrows(
                IllegalArgumentException.class, () -> FlinkTuneOptions.builder().slots(0));
    }

    @Test
    void taskHeapPerSlotIsTheSmallestOverTaskManagers() throws Exception {
        String json = "{\"taskmanagers\":[{\"slotsNumber\":2,\"totalResource\":{\"taskHeapMemory\":1024}},"
                + "{\"slotsNumber\":4,\"totalResource\":{\"taskHeapMemory\":1024}}]}";
        assertEquals(256L << 20, FlinkClusterShape.taskHeapPerSlot(new ObjectMapper().readTree(json)));
        assertEquals(-1, FlinkClusterShape.taskHeapPerSlot(new ObjectMapper().readTree("{}")));
        String local = "{\"taskmanagers\":[{\"slotsNumber\":2,\"totalResource\":{\"taskHeapMemory\":1048576}}]}";
        assertEquals(-1, FlinkClusterShape.taskHeapPerSlot(new ObjectMapper().readTree(local)));
    }
}
