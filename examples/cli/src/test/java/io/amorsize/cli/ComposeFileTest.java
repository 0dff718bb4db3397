package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.RedisUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * There is no Docker engine on the build machines, so docker/docker-compose.yml is checked statically:
 * it parses; the services, ports and image tags are the expected ones (Spark and Flink tags agree with
 * the versions in the parent pom); the mounted paths, jar names and main classes agree with the
 * scripts and with what the job modules build; every script talks to services that exist.
 */
class ComposeFileTest {

    static Path root;
    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;
    static String submitSpark;
    static String runFlink;
    static String runLocal;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("docker/docker-compose.yml"))) {
            root = root.getParent();
        }
        assertTrue(
                root != null,
                "docker/docker-compose.yml not found above " + Path.of("").toAbsolutePath());
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        compose = yaml.load(Files.readString(root.resolve("docker/docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        submitSpark = Files.readString(root.resolve("docker/submit-spark.sh"));
        runFlink = Files.readString(root.resolve("docker/run-flink.sh"));
        runLocal = Files.readString(root.resolve("docker/run-local-cluster.sh"));
    }

    static String pomValue(Path pom, String xpath) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(pom.toFile());
            return ((String) XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.STRING)).trim();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + xpath + " from " + pom + ": " + e, e);
        }
    }

    static String property(String name) {
        String v = pomValue(
                root.resolve("pom.xml"),
                "/*[local-name()='project']/*[local-name()='properties']/*[local-name()='" + name + "']");
        assertFalse(v.isEmpty(), "property " + name + " missing in pom.xml");
        return v;
    }

    static String scriptVar(String script, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(\\S+)$").matcher(script);
        assertTrue(m.find(), name + "= not found in script");
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> env(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    @SuppressWarnings("unchecked")
    static List<String> list(String service, String key) {
        Object v = services.get(service).get(key);
        return v == null
                ? List.of()
                : ((List<Object>) v).stream().map(String::valueOf).toList();
    }

    @Test
    void theExpectedServicesExist() {
        assertEquals(
                Set.of(
                        "redis",
                        "spark-master",
                        "spark-worker-1",
                        "spark-worker-2",
                        "flink-jobmanager",
                        "flink-taskmanager"),
                services.keySet());
        // Compose v1 (Debian's docker-compose 1.29) rejects a top-level name: key; both read the project
        // name from the .env file beside the compose file.
        assertFalse(compose.containsKey("name"), "top-level name: is Compose v2 only");
        assertTrue(read(root.resolve("docker/.env")).lines().anyMatch("COMPOSE_PROJECT_NAME=amorsize"::equals));
    }

    @Test
    void redisEvictsOnlyKeysWithATtl() {
        List<String> cmd = list("redis", "command");
        int i = cmd.indexOf("--maxmemory-policy");
        assertTrue(i >= 0 && i + 1 < cmd.size(), cmd.toString());
        assertEquals(
                "volatile-lru",
                cmd.get(i + 1),
                "every Amorsize key has a TTL; other applications' keys without one stay");
    }

    /** The real check (a Compose implementation, not this parser); .ci/run installs docker-compose and runs it too. */
    @Test
    void composeV1AcceptsTheFileWhenInstalled() throws Exception {
        Path bin = Path.of("/usr/bin/docker-compose");
        if (System.getenv("CI") != null) {
            assertTrue(Files.isExecutable(bin), "CI must have docker-compose (.ci/run installs it)");
        }
        Assumptions.assumeTrue(Files.isExecutable(bin), "docker-compose (v1) not installed");
        Process p = new ProcessBuilder(
                        bin.toString(),
                        "-f",
                        root.resolve("docker/docker-compose.yml").toString(),
                        "config",
                        "-q")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "docker-compose config timed out");
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void imageTagsArePinnedAndMatchTheBuild() {
        assertTrue(
                String.valueOf(services.get("redis").get("image")).matches("redis:7\\.\\d+(\\.\\d+)?"),
                "Redis 7 with a pinned minor: " + services.get("redis").get("image"));
        String java = property("maven.compiler.release");
        String spark = "apache/spark:" + property("spark.version") + "-scala" + property("scala.binary.version")
                + "-java" + java + "-ubuntu";
        for (String s : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
            assertEquals(spark, services.get(s).get("image"), s);
        }
        String flink = "flink:" + property("flink.version") + "-java" + java;
        for (String s : List.of("flink-jobmanager", "flink-taskmanager")) {
            assertEquals(flink, services.get(s).get("image"), s);
        }
        for (var e : services.entrySet()) {
            assertFalse(String.valueOf(e.getValue().get("image")).endsWith(":latest"), e.getKey());
        }
    }

    @Test
    void portsAreTheStandardOnesAndDoNotCollide() {
        assertEquals(List.of("6379:6379"), list("redis", "ports"));
        assertEquals(List.of("7077:7077", "8080:8080"), list("spark-master", "ports"));
        assertEquals(List.of("8081:8081"), list("flink-jobmanager", "ports"));
        Set<String> host = new HashSet<>();
        for (String s : services.keySet()) {
            for (String p : list(s, "ports")) {
                assertTrue(host.add(p.split(":")[0]), "host port used twice: " + p);
            }
        }
        List<String> master = list("spark-master", "command");
        assertEquals("7077", master.get(master.indexOf("--port") + 1));
        assertEquals("spark-master", master.get(master.indexOf("--host") + 1));
        String masterUrl = "spark://spark-master:7077";
        for (String w : List.of("spark-worker-1", "spark-worker-2")) {
            List<String> cmd = list(w, "command");
            assertEquals("org.apache.spark.deploy.worker.Worker", cmd.get(1));
            assertEquals(masterUrl, cmd.get(cmd.size() - 1));
        }
        assertEquals(masterUrl, scriptVar(submitSpark, "MASTER"));
    }

    @Test
    void everyEngineServiceIsConfiguredForTheComposeRedis() {
        String redisPort = list("redis", "ports").get(0).split(":")[1];
        for (String s : services.keySet()) {
            if (s.equals("redis")) {
                continue;
            }
            Object url = env(s).get("AMORSIZE_REDIS_URL");
            assertEquals("redis://redis:" + redisPort, url, s);
            RedisUrl parsed = RedisUrl.parse(String.valueOf(url));
            assertTrue(services.containsKey(parsed.endpoints().get(0).host()), "Redis host must be a compose service");
            assertEquals("amorsize:", env(s).get("AMORSIZE_CACHE_PREFIX"), s);
        }
    }

    @Test
    void mountedJarsAreTheOnesTheModulesBuildAndTheScriptsUse() {
        check(
                "spark",
                List.of("spark-master", "spark-worker-1", "spark-worker-2"),
                submitSpark,
                "examples/spark-examples/src/main/java/io/amorsize/examples/spark/LogEnrichJob.java");
        check(
                "flink",
                List.of("flink-jobmanager", "flink-taskmanager"),
                runFlink,
                "examples/flink-examples/src/main/java/io/amorsize/examples/flink/LogEnrichJob.java");
    }

    private void check(String engine, List<String> svcs, String script, String jobSource) {
        Path module = root.resolve("examples/" + engine + "-job");
        Path pom = module.resolve("pom.xml");
        assertTrue(Files.isRegularFile(pom), pom + " missing");
        String finalName = pomValue(
                pom,
                "//*[local-name()='plugin'][*[local-name()='artifactId']='maven-shade-plugin']"
                        + "//*[local-name()='finalName']");
        assertEquals("amorsize-" + engine + "-job", finalName);
        String mainClass = pomValue(
                pom,
                "//*[local-name()='plugin'][*[local-name()='artifactId']='maven-shade-plugin']"
                        + "//*[local-name()='mainClass']");
        String modules = Files.exists(root.resolve("examples/pom.xml")) ? read(root.resolve("examples/pom.xml")) : "";
        assertTrue(modules.contains("<module>" + engine + "-job</module>"), engine + "-job not in examples/pom.xml");

        String mountTarget = null;
        for (String s : svcs) {
            List<String> vols = list(s, "volumes");
            assertEquals(1, vols.size(), s + " volumes");
            String[] parts = vols.get(0).split(":");
            assertEquals("../examples/" + engine + "-job/target", parts[0], s);
            assertEquals("ro", parts[2], s + " mounts read-only");
            assertEquals(
                    module.resolve("target").normalize(),
                    root.resolve("docker").resolve(parts[0]).normalize());
            mountTarget = mountTarget == null ? parts[1] : mountTarget;
            assertEquals(mountTarget, parts[1], "every " + engine + " service mounts the jars at the same path");
        }
        assertEquals(mountTarget + "/" + finalName + ".jar", scriptVar(script, "JAR"));
        assertEquals("examples/" + engine + "-job/target/" + finalName + ".jar", scriptVar(script, "JAR_HOST"));
        assertEquals(mainClass, scriptVar(script, "CLASS"));
        assertTrue(
                runLocal.contains("examples/" + engine + "-job/target/" + finalName + ".jar"),
                "run-local-cluster.sh uses the same jar");
        assertTrue(runLocal.contains(mainClass), "run-local-cluster.sh runs the same class");
        assertTrue(Files.isRegularFile(root.resolve(jobSource)), jobSource);
        assertTrue(jobSource.endsWith(mainClass.replace('.', '/') + ".java"), mainClass + " vs " + jobSource);
        // The lines the scripts grep for are the lines the job prints.
        String src = read(root.resolve(jobSource));
        assertTrue(src.contains("\"amorsize source: parse=\"") && src.contains("\" service=\""), jobSource);
        assertTrue(script.contains("'^amorsize source: parse=CACHE_REDIS service=CACHE_REDIS'"));
        assertTrue(src.contains("\"log-enrich: %d lines"), jobSource);
        assertTrue(script.contains("'^log-enrich: '"));
    }

    @Test
    void scriptsOnlyUseServicesThatExist() {
        Matcher m = Pattern.compile("exec -T (\\S+)").matcher(submitSpark + runFlink);
        List<String> used = new ArrayList<>();
        while (m.find()) {
            used.add(m.group(1));
        }
        assertEquals(List.of("spark-master", "flink-jobmanager"), used);
        assertTrue(submitSpark.contains("'^amorsize jobs: total=0 '"), "the 2nd Spark run must run no Amorsize job");
        String sparkSrc = read(
                root.resolve("examples/spark-examples/src/main/java/io/amorsize/examples/spark/LogEnrichJob.java"));
        assertTrue(sparkSrc.contains("\"amorsize jobs: \"") && sparkSrc.contains("\"total=\""));
        for (String s : List.of("submit-spark.sh", "run-flink.sh", "run-local-cluster.sh")) {
            assertTrue(Files.isExecutable(root.resolve("docker").resolve(s)), s + " must be executable");
            assertTrue(read(root.resolve("docker").resolve(s)).startsWith("#!/usr/bin/env bash\n"), s);
            assertTrue(read(root.resolve("docker").resolve(s)).contains("set -euo pipefail"), s);
        }
    }

    @Test
    void everyScriptParses() throws Exception {
        for (String s : List.of(
                "docker/submit-spark.sh",
                "docker/run-flink.sh",
                "docker/run-local-cluster.sh",
                "bin/amorsize",
                "bin/run-example")) {
            Path script = root.resolve(s);
            assertTrue(Files.isExecutable(script), s + " must be executable");
            Process p = new ProcessBuilder("bash", "-n", script.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), s);
            assertEquals(0, p.exitValue(), s + ": " + out);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
