package io.amorsize.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Flink standalone session cluster started from the test class path (no flink-dist): one
 * {@code StandaloneSessionClusterEntrypoint} process and {@code taskManagers} {@code TaskManagerRunner}
 * processes, all bound to 127.0.0.1 on free ports. Every task-manager resource is set explicitly in
 * {@code config.yaml} (flink-dist's scripts normally compute them). Ready when the REST
 * {@code /overview} reports all slots. {@link #close()} kills the processes (and a shutdown hook
 * does, if the test JVM dies first).
 */
final class SessionCluster implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final Path dir;
    private final Thread hook;
    final URI rest;
    final int slots;

    private SessionCluster(Path dir, URI rest, int slots) {
        this.dir = dir;
        this.rest = rest;
        this.slots = slots;
        this.hook = new Thread(this::destroy, "kill-flink-session-cluster");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static SessionCluster start(Path dir, int taskManagers, int slotsPerTm, Duration timeout) throws Exception {
        int rpc = freePort();
        int restPort = freePort();
        String config = String.join(
                "\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpc,
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slotsPerTm,
                "taskmanager.cpu.cores: " + slotsPerTm,
                "taskmanager.memory.framework.heap.size: 64m",
                "taskmanager.memory.task.heap.size: 128m",
                "taskmanager.memory.framework.off-heap.size: 64m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.managed.size: 16m",
                "taskmanager.memory.network.min: 96m",
                "taskmanager.memory.network.max: 96m",
                "taskmanager.memory.jvm-metaspace.size: 160m",
                "taskmanager.memory.jvm-overhead.min: 64m",
                "taskmanager.memory.jvm-overhead.max: 64m",
                "jobmanager.memory.process.size: 600m",
                "parallelism.default: 1",
                "");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.yaml"), config, StandardCharsets.UTF_8);
        SessionCluster c =
                new SessionCluster(dir, URI.create("http://127.0.0.1:" + restPort), taskManagers * slotsPerTm);
        try {
            c.spawn("jobmanager", "-Xmx256m", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
            for (int i = 0; i < taskManagers; i++) {
                c.spawn("taskmanager-" + i, "-Xmx200m", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
            }
            c.awaitSlots(timeout);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** Process ids of the task manager processes. */
    List<Long> taskManagerPids() {
        return processes.subList(1, processes.size()).stream().map(Process::pid).toList();
    }

    private void spawn(String name, String heap, String mainClass) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                heap,
                "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + log4j().toUri(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass,
                "--configDir",
                dir.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        processes.add(pb.start());
    }

    private Path log4j() throws IOException {
        Path p = dir.resolve("log4j2-cluster.xml");
        if (!Files.exists(p)) {
            Files.writeString(p, """
                    <Configuration status="WARN">
                      <Appenders><Console name="c" target="SYSTEM_OUT"><PatternLayout pattern="%d %-5level %c{1} - %msg%n"/></Console></Appenders>
                      <Loggers><Root level="WARN"><AppenderRef ref="c"/></Root></Loggers>
                    </Configuration>
                    """);
        }
        return p;
    }

    private void awaitSlots(Duration timeout) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            "a cluster process exited with " + p.exitValue() + "; logs in " + dir + ":\n" + tail());
                }
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(rest.resolve("/overview"))
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode o = new ObjectMapper().readTree(r.body());
                    last = r.body();
                    if (o.path("slots-total").asInt() >= slots) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "session cluster not ready in " + timeout + " (" + last + "); logs in " + dir + ":\n" + tail());
    }

    private String tail() {
        StringBuilder sb = new StringBuilder();
        File[] logs = dir.toFile().listFiles((d, n) -> n.endsWith(".log"));
        if (logs != null) {
            for (File f : logs) {
                try {
                    List<String> lines = Files.readAllLines(f.toPath());
                    sb.append("--- ").append(f.getName()).append('\n');
                    lines.subList(Math.max(0, lines.size() - 15), lines.size())
                            .forEach(l -> sb.append(l).append('\n'));
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
        return sb.toString();
    }

    private void destroy() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
