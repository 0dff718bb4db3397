package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.RedisStore;
import io.amorsize.testing.RedisServerProcess;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store commands against real, spawned redis-server processes through the production opener
 * ({@link Stores#open}: {@link RedisStore} with the strict codec). The servers are this test's own,
 * so they are flushed between tests.
 */
class RedisCommandsIT extends StoreCommandsContract {

    static final Map<String, RedisServerProcess> SERVERS = new java.util.TreeMap<>();

    @BeforeAll
    static void start() {
        for (String n : List.of("a", "b", "c")) {
            SERVERS.put(n, RedisServerProcess.start());
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(RedisServerProcess::close);
        SERVERS.clear();
    }

    @BeforeEach
    void flush() {
        for (RedisServerProcess s : SERVERS.values()) {
            assertEquals("OK", s.cli("FLUSHALL"));
        }
    }

    @Override
    List<String> storeArgs(String name) {
        return List.of("--redis-url", url(name));
    }

    String url(String name) {
        return SERVERS.get(name).url();
    }

    @Override
    StoreOpener opener() {
        return Stores::open;
    }

    @Override
    List<String> allKeys(String name) {
        String out = SERVERS.get(name).cli("--scan");
        return out.isBlank()
                ? List.of()
                : out.lines()
                        .map(String::trim)
                        .filter(l -> !l.isEmpty())
                        .sorted()
                        .toList();
    }

    @Override
    Optional<CacheEntry> entry(String name, String key) {
        String prefix = key.substring(0, key.indexOf("v1:"));
        try (RedisStore s = new RedisStore(
                CacheConfig.builder().redisUrl(url(name)).keyPrefix(prefix).build())) {
            return s.get(s.keyOf(key)).map(CacheHit::entry);
        }
    }

    @Test
    void prewarmStoresWhatTheFacadePrewarmStores() throws Exception {
        io.amorsize.RecordFunction<String, Integer> fn = String::length;
        String fp = io.amorsize.key.FunctionFingerprint.of(fn);
        java.nio.file.Path f =
                java.nio.file.Files.writeString(tmp.resolve("fp.json"), SPEC.replace("\"fnA\"", "\"" + fp + "\""));
        cli(with("a", "prewarm", f.toString())).assertOk();
        var cluster = new io.amorsize.model.ClusterShape("spark", "4.1.1", 4, 1073741824L, 5e6);
        var spec = new io.amorsize.WorkloadSpec(1_000_000, 8, -1, 50_000, 0.3, 200, 120, cluster);
        try {
            assertTrue(io.amorsize.Amorsize.configureDistributedCache(CacheConfig.builder()
                    .redisUrl(url("b"))
                    .fallbackDir(tmp.resolve("facade-fallback"))
                    .build()));
            assertEquals(1, io.amorsize.Amorsize.prewarmDistributedCache(fn, List.of(spec)));
        } finally {
            io.amorsize.Amorsize.disableDistributedCache();
        }
        List<String> facadeKeys = allKeys("b");
        assertEquals(1, facadeKeys.size(), facadeKeys.toString());
        String key = facadeKeys.get(0);
        assertTrue(allKeys("a").contains(key), "the CLI stored " + allKeys("a") + ", the facade " + key);
        CacheEntry cliEntry = entry("a", key).orElseThrow();
        CacheEntry facadeEntry = entry("b", key).orElseThrow();
        assertEquals(facadeEntry.profile(), cliEntry.profile());
        assertEquals(facadeEntry.workload(), cliEntry.workload());
        assertEquals(facadeEntry.cluster(), cliEntry.cluster());
        assertEquals(facadeEntry.partitions(), cliEntry.partitions());
        assertEquals(facadeEntry.batchSize(), cliEntry.batchSize());
        assertEquals(facadeEntry.action(), cliEntry.action());
    }

    @Test
    void migrateFromRedisToTheFileStoreAndBack() {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        java.nio.file.Path bundle = tmp.resolve("to-file.json");
        cli(with("a", "export", bundle.toString())).assertOk();
        String dir = tmp.resolve("file-cache").toString();
        assertTrue(cli("--file", "--cache-dir", dir, "import", bundle.toString())
                .assertOk()
                .out()
                .contains("Imported 2 entries"));
        CliRun list = cli("--file", "--cache-dir", dir, "list").assertOk();
        assertTrue(list.out().contains("2 keys in file store"), list.out());
        java.nio.file.Path back = tmp.resolve("from-file.json");
        cli("--file", "--cache-dir", dir, "export", back.toString()).assertOk();
        cli(with("b", "import", back.toString())).assertOk();
        assertEquals(allKeys("a"), allKeys("b"));
        for (String k : allKeys("a")) {
            assertEquals(entry("a", k).orElseThrow(), entry("b", k).orElseThrow());
        }
    }

    @Test
    void unreachableRedisIsExit1QuicklyWithOneLine() {
        int port = RedisServerProcess.freePort();
        long t0 = System.nanoTime();
        CliRun r = cli("--redis-url", "redis://127.0.0.1:" + port, "list").assertFailsCleanly(1);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "bounded by the CLI's deadline");
        assertTrue(r.err().contains("127.0.0.1:" + port), r.err());
    }

    @Test
    void statsOfAnUnreachableRedisIsExit1() {
        CliRun r = cli("--redis-url", "redis://127.0.0.1:" + RedisServerProcess.freePort(), "stats")
                .assertFailsCleanly(1);
        assertTrue(r.out().contains("server version     ?"), r.out());
        assertTrue(r.err().contains("did not answer"), r.err());
    }

    @Test
    void statsShowsServerFactsAndServerHitCounters() {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        cli(with("a", "list")).assertOk(); // two hits on the server
        CliRun r = cli(with("a", "stats")).assertOk();
        assertTrue(r.out().contains("server version     7."), r.out());
        assertTrue(
                r.out().lines().anyMatch(l -> l.startsWith("keys") && l.trim().endsWith(" 2")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("server hits") && !l.contains("?")), r.out());
        assertTrue(r.out().contains("breaker            CLOSED"), r.out());
    }

    @Test
    void aRejectedEntryIsListedAsSuchAndNotExported() throws Exception {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        String key = allKeys("a").get(0);
        assertEquals("OK", SERVERS.get("a").cli("SET", key, "{\"not\":\"an entry\"}"));
        CliRun list = cli(with("a", "list")).assertOk();
        assertTrue(list.out().contains(key + "  (expired or rejected)"), list.out());
        cli(with("a", "show", key)).assertFailsCleanly(1);
        java.nio.file.Path bundle = tmp.resolve("b.json");
        CliRun ex = cli(with("a", "export", bundle.toString())).assertOk();
        assertTrue(ex.out().contains("Exported 1 entry") && ex.out().contains("1 expired or rejected"), ex.out());
    }

    @Test
    void signedEntriesNeedTheRightSecretToImport() throws Exception {
        Map<String, String> env = Map.of("SECRET_A", "first-secret-0123456789", "SECRET_B", "other-secret-0123456789");
        cli(env, "", with("a", "--secret-env", "SECRET_A", "prewarm", spec.toString()))
                .assertOk();
        java.nio.file.Path bundle = tmp.resolve("signed.json");
        cli(env, "", with("a", "--secret-env", "SECRET_A", "export", bundle.toString()))
                .assertOk();
        // Wrong secret: every entry's HMAC fails, nothing is imported.
        cli(env, "", with("b", "--secret-env", "SECRET_B", "import", bundle.toString()))
                .assertFailsCleanly(2);
        assertTrue(allKeys("b").isEmpty());
        // Re-keying: verify with the bundle's secret, store signed with the destination's.
        cli(
                        env,
                        "",
                        with(
                                "b",
                                "--secret-env",
                                "SECRET_B",
                                "import",
                                "--bundle-secret-env",
                                "SECRET_A",
                                bundle.toString()))
                .assertOk();
        assertEquals(2, allKeys("b").size());
        CliRun show =
                cli(env, "", with("b", "--secret-env", "SECRET_B", "list")).assertOk();
        assertTrue(show.out().contains("2 keys") && !show.out().contains("rejected"), show.out());
        // A reader with another secret rejects them.
        CliRun wrong =
                cli(env, "", with("b", "--secret-env", "SECRET_A", "list")).assertOk();
        assertTrue(wrong.out().contains("(expired or rejected)"), wrong.out());
    }
}
