package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code amorsize doctor} against real redis-server processes (plain, ACL-restricted, TLS). */
@Timeout(60)
class DoctorIT {

    static final String PASSWORD = "doctor-pw-9f8e7d";
    static RedisServerProcess plain;
    static RedisServerProcess restricted;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        plain = RedisServerProcess.start();
        restricted = RedisServerProcess.start();
        // The documented least-privilege user, minus INFO and EVAL.
        String rules = DoctorCommand.ACL_RULES
                .replace("PREFIX", "amorsize:")
                .replace(" +eval", "")
                .replace(" +info", "");
        List<String> cmd = new java.util.ArrayList<>(List.of("ACL", "SETUSER", "ops", "on", ">" + PASSWORD));
        cmd.addAll(List.of(rules.split(" ")));
        cmd.add("+acl|whoami");
        assertEquals("OK", restricted.cli(cmd.toArray(new String[0])));
    }

    @AfterAll
    static void stop() throws Exception {
        if (plain != null) {
            plain.close();
        }
        if (restricted != null) {
            restricted.close();
        }
    }

    static final StoreOpener NO_STORE = t -> {
        throw new AssertionError("doctor must not need a store");
    };

    CliRun doctor(Map<String, String> env, String... args) {
        String[] a = new String[args.length + 1];
        System.arraycopy(args, 0, a, 0, args.length);
        a[args.length] = "doctor";
        return CliRun.run(NO_STORE, env, "", a);
    }

    static String line(CliRun r, String check) {
        return r.out()
                .lines()
                .filter(l -> l.matches("(PASS|FAIL|SKIP) +" + check + " .*"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + check + "' line in:\n" + r.out()));
    }

    @Test
    void healthyRedisPassesEveryCheck() throws IOException {
        // A generous latency limit: this test is about the verdicts, not about a loaded CI machine.
        CliRun r = CliRun.run(
                        NO_STORE,
                        Map.of(),
                        "",
                        "--redis-url",
                        plain.url(),
                        "--cache-dir",
                        tmp.resolve("c").toString(),
                        "doctor",
                        "--max-latency-ms",
                        "2000")
                .assertOk();
        assertTrue(line(r, "connect").startsWith("PASS"), r.out());
        assertTrue(line(r, "connect").contains("redis 7."), r.out());
        assertTrue(line(r, "latency").startsWith("PASS"), r.out());
        assertTrue(line(r, "acl").startsWith("PASS"), r.out());
        assertTrue(line(r, "cache-dir").startsWith("PASS"), r.out());
        assertTrue(line(r, "tls").startsWith("SKIP"), r.out());
        assertTrue(r.out().contains("verdict: PASS"), r.out());
        assertTrue(Files.isDirectory(tmp.resolve("c")), "doctor creates the fallback directory");
        try (var files = Files.list(tmp.resolve("c"))) {
            assertEquals(0, files.count(), "doctor leaves no probe files behind");
        }
    }

    @Test
    void latencyAboveTheLimitFails() {
        CliRun r = CliRun.run(
                NO_STORE,
                Map.of(),
                "",
                "--redis-url",
                plain.url(),
                "--cache-dir",
                tmp.toString(),
                "doctor",
                "--max-latency-ms",
                "0.0001");
        assertEquals(1, r.code(), r.out());
        assertTrue(line(r, "latency").startsWith("FAIL"), r.out());
        assertTrue(line(r, "connect").startsWith("PASS"), r.out());
        CliRun.run(NO_STORE, Map.of(), "", "doctor", "--max-latency-ms", "-1").assertFailsCleanly(2);
    }

    @Test
    void unreachableRedisFailsFastWithExit1() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        CliRun r = CliRun.run(
                NO_STORE,
                Map.of(),
                "",
                "--redis-url",
                "redis://127.0.0.1:" + port,
                "--cache-dir",
                tmp.toString(),
                "doctor",
                "--timeout-ms",
                "500");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        assertTrue(line(r, "connect").startsWith("FAIL"), r.out());
        assertTrue(r.out().contains("verdict: FAIL (1 check failed)"), r.out());
        r.assertNoStackTrace();
    }

    @Test
    void missingAclPermissionsAreNamedAndThePasswordNeverShown() {
        Map<String, String> env =
                Map.of("AMORSIZE_REDIS_URL", "redis://ops:" + PASSWORD + "@127.0.0.1:" + restricted.port());
        CliRun r = doctor(env, "--cache-dir", tmp.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String acl = line(r, "acl");
        assertTrue(acl.startsWith("FAIL") && acl.contains("EVAL") && acl.contains("INFO"), r.out());
        assertFalse(
                acl.contains("GET,") || acl.contains("SCAN"), "allowed commands must not be listed as denied: " + acl);
        assertTrue(line(r, "connect").contains("user ops"), r.out());
        assertFalse((r.out() + r.err()).contains(PASSWORD), "password leaked: " + r.out() + r.err());
        assertTrue(r.out().contains("redis://ops:****@127.0.0.1"), r.out());
    }

    @Test
    void wrongPasswordFailsAuthenticationWithoutEchoingIt() {
        Map<String, String> env =
                Map.of("AMORSIZE_REDIS_URL", "redis://ops@127.0.0.1:" + restricted.port(), "PW", "not-the-password-x1");
        CliRun r = doctor(env, "--password-env", "PW", "--cache-dir", tmp.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(line(r, "connect").startsWith("FAIL") && line(r, "connect").contains("authentication"), r.out());
        assertFalse((r.out() + r.err()).contains("not-the-password-x1"), r.out() + r.err());
    }

    @Test
    void sentinelUrlIsCheckedThroughTheCacheClient() {
        try (RedisServerProcess sentinel = RedisServerProcess.sentinel(
                "mymaster", plain.port(), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10))) {
            String url = "redis-sentinel://127.0.0.1:" + sentinel.port() + "/mymaster";
            CliRun r = CliRun.run(
                            NO_STORE,
                            Map.of(),
                            "",
                            "--redis-url",
                            url,
                            "--cache-dir",
                            tmp.toString(),
                            "doctor",
                            "--max-latency-ms",
                            "2000")
                    .assertOk();
            assertTrue(
                    line(r, "connect").startsWith("PASS") && line(r, "connect").contains("SENTINEL"), r.out());
            assertTrue(line(r, "latency").startsWith("PASS"), r.out());
            assertTrue(line(r, "acl").startsWith("SKIP"), r.out());
        }
        CliRun down = CliRun.run(
                NO_STORE,
                Map.of(),
                "",
                "--redis-url",
                "redis-sentinel://127.0.0.1:" + RedisServerProcess.freePort() + "/mymaster",
                "--cache-dir",
                tmp.toString(),
                "doctor",
                "--timeout-ms",
                "300");
        assertEquals(1, down.code(), down.out());
        assertTrue(line(down, "connect").startsWith("FAIL"), down.out());
    }

    @Test
    void unwritableCacheDirFails() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun r = doctor(Map.of(), "--cache-dir", file.resolve("sub").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(line(r, "cache-dir").startsWith("FAIL"), r.out());
        // No Redis configured: the Redis checks are skipped, not failed.
        assertTrue(line(r, "connect").startsWith("SKIP"), r.out());
    }

    @Test
    void noRedisAndAGoodDirectoryPasses() {
        CliRun r = doctor(Map.of("S", "0123456789abcdef0123"), "--cache-dir", tmp.toString(), "--secret-env", "S")
                .assertOk();
        assertTrue(line(r, "secret").startsWith("PASS"), r.out());
        assertFalse(r.out().contains("0123456789abcdef0123"), r.out());
        CliRun weak = doctor(Map.of("S", "short"), "--cache-dir", tmp.toString(), "--secret-env", "S");
        assertEquals(1, weak.code());
        assertTrue(line(weak, "secret").startsWith("FAIL"), weak.out());
    }

    @Test
    void requireTlsFailsForPlainRedis() {
        CliRun strict = CliRun.run(
                NO_STORE,
                Map.of(),
                "",
                "--redis-url",
                plain.url(),
                "--cache-dir",
                tmp.toString(),
                "doctor",
                "--require-tls");
        assertEquals(1, strict.code(), strict.out());
        assertTrue(line(strict, "tls").startsWith("FAIL"), strict.out());
    }

    @Test
    void tlsWithTheRightCaPassesAndWithAnotherCaFails() throws Exception {
        Path ca = Tls.makeCa(tmp.resolve("ca"));
        Path other = Tls.makeCa(tmp.resolve("other"));
        Tls.makeServerCert(tmp.resolve("ca"));
        try (RedisServerProcess tls =
                RedisServerProcess.tls(tmp.resolve("ca/server.crt"), tmp.resolve("ca/server.key"), ca)) {
            String url = "rediss://localhost:" + tls.port();
            CliRun ok = CliRun.run(
                            NO_STORE,
                            Map.of(),
                            "",
                            "--redis-url",
                            url,
                            "--tls-ca-file",
                            ca.toString(),
                            "--cache-dir",
                            tmp.toString(),
                            "doctor",
                            "--require-tls",
                            "--max-latency-ms",
                            "2000")
                    .assertOk();
            assertTrue(line(ok, "tls").startsWith("PASS") && line(ok, "tls").contains("TLSv1."), ok.out());
            assertTrue(line(ok, "connect").startsWith("PASS"), ok.out());
            CliRun bad = doctor(
                    Map.of(), "--redis-url", url, "--tls-ca-file", other.toString(), "--cache-dir", tmp.toString());
            assertEquals(1, bad.code(), bad.out());
            assertTrue(line(bad, "tls").startsWith("FAIL"), bad.out());
            assertTrue(line(bad, "connect").startsWith("FAIL"), bad.out());
        }
    }

    /** A throw-away CA and a server certificate for localhost / 127.0.0.1, made with openssl. */
    static final class Tls {
        static Path makeCa(Path dir) throws Exception {
            Files.createDirectories(dir);
            run(
                    dir,
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=amorsize-test-ca",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.crt");
            return dir.resolve("ca.crt");
        }

        static void makeServerCert(Path dir) throws Exception {
            run(
                    dir,
                    "openssl",
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr");
            Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            run(
                    dir,
                    "openssl",
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    "ext.cnf",
                    "-out",
                    "server.crt");
        }

        private static void run(Path dir, String... cmd) throws Exception {
            Process p = new ProcessBuilder(List.of(cmd))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        }
    }
}
