package io.amorsize.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Spark contexts for tests: {@code local[2]} and the multi-JVM {@code local-cluster[2,1,1024]}. */
final class SparkTestSupport {

    private SparkTestSupport() {}

    /** A {@code local[2]} context bound to 127.0.0.1 without UI. */
    static JavaSparkContext local(String app, Map<String, String> extra) {
        SparkConf conf = base(app).setMaster("local[2]");
        extra.forEach(conf::set);
        return new JavaSparkContext(conf);
    }

    /**
     * A {@code local-cluster[2,1,1024]} context: two executor JVMs with one core each. Needs the
     * surefire environment of spark-plugin/pom.xml (SPARK_SCALA_VERSION, SPARK_HOME); executors get
     * this JVM's class path, without which the worker relaunches executors forever. Callers must
     * carry a timeout.
     */
    static JavaSparkContext localCluster(String app, Map<String, String> extra) throws IOException {
        String home = System.getenv("SPARK_HOME");
        if (home == null || System.getenv("SPARK_SCALA_VERSION") == null) {
            throw new IllegalStateException(
                    "SPARK_HOME and SPARK_SCALA_VERSION must be set (see spark-plugin/pom.xml)");
        }
        Files.createDirectories(Path.of(home, "jars"));
        SparkConf conf = base(app)
                .setMaster("local-cluster[2,1,1024]")
                .set("spark.executor.memory", "512m")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", String.join(" ", JavaModuleOptions.defaultModuleOptionArray()));
        extra.forEach(conf::set);
        return new JavaSparkContext(conf);
    }

    private static SparkConf base(String app) {
        return new SparkConf()
                .setAppName(app)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.showConsoleProgress", "false");
    }

    /** Waits until the listener bus has delivered every event posted so far. */
    static void drain(JavaSparkContext jsc) {
        try {
            jsc.sc().listenerBus().waitUntilEmpty(30_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("listener bus did not drain in 30 s", e);
        }
    }

    /** {@code java} command prefix for a child JVM with this test's class path and Spark's JVM flags. */
    static List<String> childJava(String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    /** Counts jobs by Amorsize phase (local property {@link AmorsizeSpark#JOB_PHASE_PROPERTY}) and tasks. */
    static final class JobCounter extends SparkListener {
        final Map<String, AtomicInteger> jobsByPhase = new ConcurrentHashMap<>();
        final Map<Integer, Integer> tasksByJob = new ConcurrentHashMap<>();
        final AtomicInteger tasks = new AtomicInteger();
        final AtomicInteger jobs = new AtomicInteger();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            jobs.incrementAndGet();
            String phase = e.properties() == null ? null : e.properties().getProperty(AmorsizeSpark.JOB_PHASE_PROPERTY);
            jobsByPhase
                    .computeIfAbsent(phase == null ? "user" : phase, k -> new AtomicInteger())
                    .incrementAndGet();
            int n = 0;
            for (int i = 0; i < e.stageInfos().size(); i++) {
                n += e.stageInfos().apply(i).numTasks();
            }
            tasksByJob.put(e.jobId(), n);
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            tasks.incrementAndGet();
        }

        int phase(String name) {
            AtomicInteger a = jobsByPhase.get(name);
            return a == null ? 0 : a.get();
        }

        int amorsizeJobs() {
            return phase("sample") + phase("measure") + phase("calibrate");
        }

        void reset() {
            jobsByPhase.clear();
            tasksByJob.clear();
            tasks.set(0);
            jobs.set(0);
        }
    }
}
