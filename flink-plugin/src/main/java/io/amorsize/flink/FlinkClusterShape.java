package io.amorsize.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.model.ClusterShape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The cluster a Flink job will run on, as the cost model sees it: task slots, CPU cores, memory
 * per slot and the Flink version.
 *
 * <ul>
 *   <li>A <b>running cluster</b> (a remote environment, or any non-local target with
 *       {@code rest.address} configured): slots total from the REST API's {@code /overview}, task
 *       heap per slot and each task manager's hardware CPU cores ({@code hardware.cpuCores}, what
 *       its JVM sees: container CPU limits included) from {@code /taskmanagers}; task managers on
 *       one host share its cores. The cluster's Flink version.</li>
 *   <li>A <b>local environment</b>: task managers × slots per task manager when
 *       {@code taskmanager.numberOfTaskSlots} is configured
 *       ({@code minicluster.number-of-taskmanagers}, default 1); otherwise the environment's
 *       parallelism (Flink sizes its mini cluster to the job). Cores: this JVM's available
 *       processors. Memory: this JVM's heap ÷ slots, since local task managers share it.</li>
 * </ul>
 * {@code amorsize.cluster.cores} (or the per-call option) overrides the detected cores. The per-task
 * overhead is the configured {@code amorsize.task.overhead}.
 */
public final class FlinkClusterShape {

    /** Engine name in cluster fingerprints. */
    public static final String ENGINE = "flink";

    private static final Duration REST_TIMEOUT = Duration.ofSeconds(3);
    /** Task heap a local-execution task manager reports: a placeholder, not memory (1 TiB in MB). */
    private static final long LOCAL_EXECUTION_PLACEHOLDER_MB = 1L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private FlinkClusterShape() {}

    /**
     * The cluster shape for jobs of {@code env}.
     *
     * @throws IllegalStateException when a configured cluster's REST API cannot be read
     */
    public static ClusterShape detect(StreamExecutionEnvironment env, Settings settings) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(settings, "settings");
        ReadableConfig conf = env.getConfiguration();
        double overhead = settings.get(Options.TASK_OVERHEAD).toNanos();
        Optional<URI> rest = restEndpoint(conf);
        if (rest.isPresent()) {
            return fromRest(rest.get(), overhead).withConfiguredCores(settings);
        }
        int slots = localSlots(conf, env.getParallelism());
        long memoryPerSlot = Math.max(1, Runtime.getRuntime().maxMemory() / slots);
        // the task managers of a local environment run in this JVM: its CPU class is theirs
        return new ClusterShape(
                        ENGINE,
                        EnvironmentInformation.getVersion(),
                        slots,
                        memoryPerSlot,
                        overhead,
                        Math.max(1, Runtime.getRuntime().availableProcessors()),
                        ClusterShape.localCpuClass())
                .withConfiguredCores(settings);
    }

    /**
     * A cluster of {@code slots} given by the caller: version of this client, memory per slot from the
     * configured task heap ({@code taskmanager.memory.task.heap.size} ÷ slots per task manager) when
     * set, else this JVM's heap ÷ slots. Cores: {@code amorsize.cluster.cores} when set, else one
     * per slot (the cluster is not asked).
     */
    public static ClusterShape withSlots(StreamExecutionEnvironment env, Settings settings, int slots) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(settings, "settings");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        ReadableConfig conf = env.getConfiguration();
        long memory = conf.getOptional(TaskManagerOptions.TASK_HEAP_MEMORY)
                .map(heap -> heap.getBytes() / Math.max(1, conf.get(TaskManagerOptions.NUM_TASK_SLOTS)))
                .orElse(Runtime.getRuntime().maxMemory() / slots);
        return new ClusterShape(
                        ENGINE,
                        EnvironmentInformation.getVersion(),
                        slots,
                        Math.max(1, memory),
                        settings.get(Options.TASK_OVERHEAD).toNanos())
                .withConfiguredCores(settings);
    }

    /**
     * The parallelism Flink applies when an operator sets none: the environment's, else
     * {@code parallelism.default}. This is what a fallback keeps.
     */
    public static int defaultParallelism(StreamExecutionEnvironment env) {
        int p = env.getParallelism();
        if (p > 0) {
            return p;
        }
        return Math.max(1, env.getConfiguration().get(CoreOptions.DEFAULT_PARALLELISM));
    }

    /** Task slots of a local environment (see the class comment). */
    static int localSlots(ReadableConfig conf, int envParallelism) {
        Optional<Integer> perTm = conf.getOptional(TaskManagerOptions.NUM_TASK_SLOTS);
        if (perTm.isPresent()) {
            int tms = conf.get(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS);
            return Math.max(1, tms) * Math.max(1, perTm.get());
        }
        if (envParallelism > 0) {
            return envParallelism;
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The REST base URI of a configured running cluster, or empty for a local environment. */
    static Optional<URI> restEndpoint(ReadableConfig conf) {
        String target = conf.getOptional(DeploymentOptions.TARGET).orElse("");
        if (target.equals("local")) {
            return Optional.empty();
        }
        Optional<String> address = conf.getOptional(RestOptions.ADDRESS);
        if (address.isEmpty() || address.get().isBlank()) {
            return Optional.empty();
        }
        int port = conf.get(RestOptions.PORT);
        return Optional.of(URI.create("http://" + address.get().trim() + ":" + port));
    }

    /** Reads slots, cores, memory and version from a running cluster's REST API. */
    static ClusterShape fromRest(URI base, double perTaskOverheadNanos) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(REST_TIMEOUT).build();
        JsonNode overview = get(http, base.resolve("/overview"));
        int slots = overview.path("slots-total").asInt(0);
        for (int attempt = 1; slots < 1 && attempt <= 4; attempt++) {
            // Task managers still registering (start-up, failover): give them a moment.
            sleep(250L * attempt);
            overview = get(http, base.resolve("/overview"));
            slots = overview.path("slots-total").asInt(0);
        }
        if (slots < 1) {
            throw new IllegalStateException("Flink REST " + base + "/overview reports no task slots ("
                    + overview.path("taskmanagers").asInt(0) + " task managers registered); with an active "
                    + "resource manager (YARN, Kubernetes) task managers start only for a job: give the slots "
                    + "per call instead");
        }
        String version = overview.path("flink-version").asText(EnvironmentInformation.getVersion());
        JsonNode taskManagers = get(http, base.resolve("/taskmanagers"));
        long memoryPerSlot = taskHeapPerSlot(taskManagers);
        if (memoryPerSlot < 1) {
            // Not reported, or a local-execution task manager (Flink reports a 1 TiB placeholder):
            // the best guess is a JVM like this one.
            memoryPerSlot = Math.max(1, Runtime.getRuntime().maxMemory() / slots);
        }
        int cores = hardwareCores(taskManagers);
        int perTm = coresPerTaskManager(taskManagers);
        // REST reports no arch: the client's stands for the task managers' (one image is the common case)
        String cpuClass = perTm > 0 ? ClusterShape.cpuClassOf(System.getProperty("os.arch"), perTm) : "";
        return new ClusterShape(
                ENGINE,
                version,
                slots,
                memoryPerSlot,
                perTaskOverheadNanos,
                cores > 0 ? Math.min(cores, ClusterShape.MAX_CORES) : slots,
                cpuClass);
    }

    /**
     * The {@code hardware.cpuCores} every task manager reports, when they all report the same value
     * (the CPU class of the cache key), else 0 (unknown: the key keeps the slot count).
     */
    static int coresPerTaskManager(JsonNode taskManagers) {
        int seen = 0;
        for (JsonNode tm : taskManagers.path("taskmanagers")) {
            int c = tm.path("hardware").path("cpuCores").asInt(0);
            if (c < 1 || (seen > 0 && c != seen)) {
                return 0;
            }
            seen = c;
        }
        return seen;
    }

    /**
     * CPU cores the task managers' tasks share: each task manager's {@code hardware.cpuCores} (its
     * JVM's available processors), counted once per host since task managers on one host share
     * them (the largest value of the host's task managers); 0 when no task manager reports it.
     */
    static int hardwareCores(JsonNode taskManagers) {
        java.util.Map<String, Integer> perHost = new java.util.HashMap<>();
        for (JsonNode tm : taskManagers.path("taskmanagers")) {
            int cores = tm.path("hardware").path("cpuCores").asInt(0);
            if (cores < 1) {
                continue;
            }
            perHost.merge(host(tm), cores, Math::max);
        }
        long total = 0;
        for (int c : perHost.values()) {
            total += c;
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /**
     * The host of a task manager from its RPC path ({@code pekko.tcp://flink@10.0.0.7:6122/user/rpc/...});
     * "local" for a path without a host ({@code pekko://flink/user/rpc/...}: a task manager in the
     * JobManager's JVM, as in a mini cluster); its id when there is no path (a host of its own).
     */
    static String host(JsonNode tm) {
        String path = tm.path("path").asText("");
        int scheme = path.indexOf("://");
        if (scheme < 0) {
            return "id:" + tm.path("id").asText("?");
        }
        int at = path.indexOf('@', scheme);
        int end = path.indexOf('/', scheme + 3);
        if (at < 0 || (end >= 0 && at > end)) {
            return "local";
        }
        String hostPort = path.substring(at + 1, end < 0 ? path.length() : end);
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
        return host.isBlank() ? "local" : host;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Flink task managers", e);
        }
    }

    /**
     * Smallest task heap per slot over the task managers (bytes), or -1 when not reported or when
     * it is the placeholder of local execution (mini clusters report 1 TiB or more).
     */
    static long taskHeapPerSlot(JsonNode taskManagers) {
        long best = -1;
        for (JsonNode tm : taskManagers.path("taskmanagers")) {
            int slots = tm.path("slotsNumber").asInt(0);
            long heapMb = tm.path("totalResource").path("taskHeapMemory").asLong(-1);
            if (heapMb >= LOCAL_EXECUTION_PLACEHOLDER_MB) {
                return -1;
            }
            if (slots > 0 && heapMb > 0) {
                long perSlot = heapMb * 1024 * 1024 / slots;
                best = best < 0 ? perSlot : Math.min(best, perSlot);
            }
        }
        return best;
    }

    /**
     * GET a REST resource as JSON. A 503 (the REST endpoint has no leader yet: start-up or a
     * JobManager failover; Flink answers "please refresh") is retried with backoff for about 3 s.
     */
    private static JsonNode get(HttpClient http, URI uri) {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(REST_TIMEOUT).GET().build();
        long pauseMillis = 100;
        try {
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
                if (response.statusCode() != 503 || attempt >= 6) {
                    String body = response.body() == null ? "" : response.body();
                    throw new IllegalStateException("Flink REST " + uri + " answered HTTP " + response.statusCode()
                            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": "
                            + body.substring(0, Math.min(200, body.length())));
                }
                Thread.sleep(pauseMillis);
                pauseMillis *= 2;
            }
        } catch (IOException e) {
            throw new IllegalStateException("Flink REST " + uri + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading Flink REST " + uri, e);
        }
    }
}
