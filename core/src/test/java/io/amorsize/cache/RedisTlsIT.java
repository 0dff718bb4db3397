package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, test 12: {@code rediss://} with a CA made by openssl works; a certificate that does not name
 * the host fails the handshake and the store reports unavailable (the fallback's trigger) — it never
 * retries in plaintext.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsIT {

    private static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        dir = Files.createTempDirectory("amorsize-tls-");
        openssl(
                "req",
                "-x509",
                "-new",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=amorsize-test-ca");
        serverCert("good", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        serverCert("wrong", "not-this-host.example", "subjectAltName=DNS:not-this-host.example");
    }

    private static void serverCert(String name, String cn, String san) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), san + "\n");
        openssl(
                "req",
                "-new",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + cn);
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-extfile",
                name + ".ext");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + cmd + ": " + out);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static CacheConfig config(String url, boolean withCa) {
        return CacheConfig.builder()
                .redisUrl(url)
                .keyPrefix("amorsize-tls:")
                .tlsCaFile(withCa ? dir.resolve("ca.pem") : null)
                .connectTimeout(Duration.ofMillis(1000))
                .socketTimeout(Duration.ofMillis(1000))
                .deadline(Duration.ofSeconds(3))
                .build();
    }

    @Test
    void tlsWithTheTestCaWorksByNameAndByIp() {
        try (RedisServerProcess server =
                RedisServerProcess.tls(dir.resolve("good.pem"), dir.resolve("good.key"), dir.resolve("ca.pem"))) {
            for (String url : List.of("rediss://localhost:" + server.port(), "rediss://127.0.0.1:" + server.port())) {
                try (RedisStore store = new RedisStore(config(url, true), Entries.CODEC, Ticker.system())) {
                    String key = "amorsize-tls:v1:f:n1:c";
                    store.put(Entries.k(key), Entries.sample(key));
                    assertTrue(store.get(Entries.k(key)).isPresent(), url);
                    assertEquals("CLOSED", store.breakerState());
                    assertTrue(store.stats().serverVersion().length() > 0);
                }
            }
        }
    }

    @Test
    void certificateForAnotherHostFailsTheHandshake() {
        try (RedisServerProcess server =
                RedisServerProcess.tls(dir.resolve("wrong.pem"), dir.resolve("wrong.key"), dir.resolve("ca.pem"))) {
            try (RedisStore store = new RedisStore(
                    config("rediss://localhost:" + server.port(), true), Entries.CODEC, Ticker.system())) {
                String key = "amorsize-tls:v1:f:n1:c";
                StoreUnavailableException e =
                        assertThrows(StoreUnavailableException.class, () -> store.get(Entries.k(key)));
                assertTrue(
                        e.getMessage().contains("SSL")
                                || e.getMessage().contains("certificate")
                                || e.getMessage().contains("No subject alternative"),
                        e.getMessage());
                assertEquals("OPEN", store.breakerState(), "a failed handshake means: use the file");
            }
        }
    }

    @Test
    void noPlaintextDowngradeAndNoTrustWithoutTheCa() {
        try (RedisServerProcess plain = RedisServerProcess.start();
                RedisServerProcess tls = RedisServerProcess.tls(
                        dir.resolve("good.pem"), dir.resolve("good.key"), dir.resolve("ca.pem"))) {
            String key = "amorsize-tls:v1:f:n1:c";
            // rediss:// pointed at a plaintext server must fail, not quietly talk plaintext.
            try (RedisStore store = new RedisStore(
                    config("rediss://localhost:" + plain.port(), true), Entries.CODEC, Ticker.system())) {
                assertThrows(StoreUnavailableException.class, () -> store.put(Entries.k(key), Entries.sample(key)));
            }
            assertEquals("0", plain.cli("DBSIZE"), "nothing was written in plaintext");
            // Without the CA file the JVM's trust store does not know the test CA.
            try (RedisStore store =
                    new RedisStore(config("rediss://localhost:" + tls.port(), false), Entries.CODEC, Ticker.system())) {
                assertThrows(StoreUnavailableException.class, () -> store.get(Entries.k(key)));
            }
        }
    }

    /** Issue 12: TLS and the documented least-privilege ACL user together. */
    @Test
    void tlsWithTheDocumentedAclUser() throws Exception {
        String acl = RedisAclIT.documentedAclLine();
        List<String> args = new ArrayList<>(List.of("--user"));
        args.addAll(List.of(acl.substring("ACL SETUSER ".length()).split(" +")));
        try (RedisServerProcess server = RedisServerProcess.tls(
                dir.resolve("good.pem"), dir.resolve("good.key"), dir.resolve("ca.pem"), args.toArray(new String[0]))) {
            String url = "rediss://amorsize:amorsize-password@localhost:" + server.port();
            CacheConfig cfg =
                    config(url, true).toBuilder().keyPrefix("amorsize:").build();
            try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
                io.amorsize.key.CacheKey k = Entries.key("tls-acl:n1:c");
                store.put(k, Entries.sample(k));
                assertEquals(Entries.sample(k), store.get(k).orElseThrow().entry());
                assertTrue(store.tryLock(Entries.key("tls-acl-lock:n1:c"), Duration.ofSeconds(5))
                        .isPresent());
                assertEquals(List.of(store.render(k)), store.scan("*"));
                assertEquals(1, store.stats().keyCount());
                assertTrue(store.ping());
                StoreServerException denied =
                        assertThrows(StoreServerException.class, () -> store.call("FLUSHALL", c -> c.flushAll()));
                assertTrue(denied.getMessage().contains("NOPERM"), denied.getMessage());
                assertTrue(!denied.getMessage().contains("amorsize-password"), denied.getMessage());
                assertEquals(1, store.clear("*"));
            }
        }
    }

    /** Issue 12: rediss-sentinel:// speaks TLS to the Sentinel and to the password-protected master. */
    @Test
    void sentinelOverTlsWithAPasswordConnects() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.tls(
                        dir.resolve("good.pem"),
                        dir.resolve("good.key"),
                        dir.resolve("ca.pem"),
                        "--requirepass",
                        "master-pw",
                        "--tls-replication",
                        "yes");
                RedisServerProcess sentinel = RedisServerProcess.sentinelTls(
                        "tlsmaster",
                        master.port(),
                        "master-pw",
                        dir.resolve("good.pem"),
                        dir.resolve("good.key"),
                        dir.resolve("ca.pem"))) {
            String url = "rediss-sentinel://:master-pw@localhost:" + sentinel.port() + "/tlsmaster";
            try (RedisStore store = new RedisStore(config(url, true), Entries.CODEC, Ticker.system())) {
                String key = "amorsize-tls:v1:sentinel:n1:c";
                store.put(Entries.k(key), Entries.sample(key));
                assertEquals(
                        Entries.sample(key),
                        store.get(Entries.k(key)).orElseThrow().entry());
                assertEquals("CLOSED", store.breakerState());
                assertTrue(!store.toString().contains("master-pw"), store.toString());
            }
        }
    }

    /** Issue 12: a plaintext Sentinel behind rediss-sentinel:// fails clearly; nothing goes in plaintext. */
    @Test
    void plaintextSentinelBehindRedissSentinelFailsInsteadOfDowngrading() {
        try (RedisServerProcess master = RedisServerProcess.tls(
                        dir.resolve("good.pem"), dir.resolve("good.key"), dir.resolve("ca.pem"));
                RedisServerProcess sentinel = RedisServerProcess.sentinel(
                        "plainmaster", master.port(), Duration.ofSeconds(60), Duration.ofSeconds(60))) {
            String url = "rediss-sentinel://localhost:" + sentinel.port() + "/plainmaster";
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> {
                try (RedisStore store = new RedisStore(config(url, true), Entries.CODEC, Ticker.system())) {
                    String key = "amorsize-tls:v1:f:n1:c";
                    store.put(Entries.k(key), Entries.sample(key));
                }
            });
            assertTrue(e.getMessage().contains("rediss-sentinel://"), "names the (masked) URL: " + e.getMessage());
        }
    }
}
