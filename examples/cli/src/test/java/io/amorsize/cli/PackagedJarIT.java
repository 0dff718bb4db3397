package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: the shaded jar is executable, carries Jackson and Jedis only under
 * io.amorsize.shaded, and {@code bin/amorsize} finds and runs it (real redis-server, real process).
 */
@Timeout(120)
class PackagedJarIT {

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path JAR = MODULE.resolve("target/amorsize-cli.jar");
    static final Path LAUNCHER = MODULE.resolve("../../bin/amorsize").normalize();

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("AMORSIZE_REDIS_URL");
        pb.environment().remove("AMORSIZE_CLI_JAR");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        String o = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        String e = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher timed out");
        return new Result(p.exitValue(), o, e);
    }

    @Test
    void theJarIsExecutableAndRelocatesJacksonAndJedis() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " (run 'mvn package')");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals(
                    "io.amorsize.cli.AmorsizeCli",
                    jar.getManifest().getMainAttributes().getValue("Main-Class"));
            List<String> names =
                    jar.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith("com/fasterxml/")), "unrelocated Jackson");
            assertTrue(names.stream().noneMatch(n -> n.startsWith("redis/clients/")), "unrelocated Jedis");
            assertTrue(
                    names.stream().noneMatch(n -> n.startsWith("org/apache/commons/pool2/")),
                    "unrelocated commons-pool2");
            assertNotNull(jar.getEntry("io/amorsize/shaded/jackson/databind/ObjectMapper.class"));
            assertNotNull(jar.getEntry("io/amorsize/shaded/redis/clients/jedis/Jedis.class"));
            assertNotNull(jar.getEntry("io/amorsize/cli/AmorsizeCli.class"));
        }
    }

    @Test
    void launcherRunsTheJarWithTheRightExitCodes() throws Exception {
        Result v = launch(Map.of(), "--version");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().startsWith("amorsize 0."), v.out());

        Result bad = launch(Map.of(), "frobnicate");
        assertEquals(2, bad.code());
        assertEquals(2, bad.err().lines().count(), "one error line plus the usage hint: " + bad.err());
        assertFalse(bad.err().contains("\tat "), bad.err());

        Result noJar =
                launch(Map.of("AMORSIZE_CLI_JAR", tmp.resolve("absent.jar").toString()), "--version");
        assertEquals(2, noJar.code());

        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Path spec = Files.writeString(tmp.resolve("spec.json"), StoreCommandsContract.SPEC);
            Map<String, String> env = Map.of("AMORSIZE_REDIS_URL", redis.url());
            Result pre = launch(env, "prewarm", spec.toString());
            assertEquals(0, pre.code(), pre.out() + pre.err());
            Result list = launch(env, "list");
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().contains("2 keys in Redis"), list.out());
            Result doctor =
                    launch(env, "--cache-dir", tmp.resolve("c").toString(), "doctor", "--max-latency-ms", "2000");
            assertEquals(0, doctor.code(), doctor.out() + doctor.err());
            assertTrue(doctor.out().contains("verdict: PASS"), doctor.out());
            Result clear = launch(env, "clear");
            assertEquals(1, clear.code(), "no answer on stdin: nothing deleted");
            assertEquals(2, launch(env, "list", "--keys-only").out().lines().count());
            assertEquals(0, launch(env, "clear", "--yes").code());
            assertEquals(0, launch(env, "list", "--keys-only").out().lines().count());
        }
        Result down = launch(
                Map.of("AMORSIZE_REDIS_URL", "redis://127.0.0.1:" + RedisServerProcess.freePort()), "stats", "--json");
        assertEquals(1, down.code(), "stats prints what it knows, then fails: " + down.err());
        assertTrue(down.out().contains("\"enabled\" : false"), down.out());
        assertEquals(1, down.err().lines().count(), down.err());
    }
}
