package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.StoreStats;
import io.amorsize.recommend.CacheKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Command structure, parsing, exit codes and the store commands, against in-memory stores (one per
 * Redis URL or cache directory, so export / import between two "instances" is real).
 */
@Timeout(60)
class CliCommandsTest {

    static final String SPEC = """
            [{"function": "fnA", "records": 1000000, "partitions": 8, "nanosPerRecord": 50000, "cv": 0.3,
              "inputRecordBytes": 200, "outputRecordBytes": 120,
              "cluster": {"engine": "spark", "engineVersion": "4.1.1", "slots": 4, "memoryPerSlotBytes": 1073741824}},
             {"function": "fnB", "records": 5000, "partitions": 2, "nanosPerRecord": 1200,
              "cluster": {"engine": "flink", "engineVersion": "2.3.0", "slots": 2, "memoryPerSlotBytes": 536870912,
                          "perTaskOverheadNanos": 2000000}}]
            """;

    final Map<String, InMemoryStore> stores = new ConcurrentHashMap<>();
    final StoreOpener opener = t -> new Unclosable(stores.computeIfAbsent(
            t.redis() ? t.redisUrl() : t.cacheDir().toString(), k -> new InMemoryStore()));

    @TempDir
    Path tmp;
    Path spec;

    @BeforeEach
    void writeSpec() throws IOException {
        spec = Files.writeString(tmp.resolve("spec.json"), SPEC);
    }

    CliRun cli(String... args) {
        return cli(Map.of(), "", args);
    }

    CliRun cli(Map<String, String> env, String stdin, String... args) {
        return CliRun.run(opener, env, stdin, args);
    }

    String[] with(String url, String... args) {
        String[] a = new String[args.length + 2];
        a[0] = "--redis-url";
        a[1] = url;
        System.arraycopy(args, 0, a, 2, args.length);
        return a;
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        CliRun r = cli();
        assertEquals(2, r.code());
        assertTrue(r.out().contains("Usage: amorsize"), r.out());
    }

    @Test
    void helpAndVersionExit0() {
        assertTrue(cli("--help").assertOk().out().contains("doctor"));
        assertTrue(cli("clear", "--help").assertOk().out().contains("--yes"));
        assertTrue(cli("--version").assertOk().out().startsWith("amorsize "));
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        cli("frobnicate").assertFailsCleanly(2);
        cli("list", "--no-such-option").assertFailsCleanly(2);
        cli("show").assertFailsCleanly(2); // KEY missing
        cli("doctor", "--timeout-ms", "soon").assertFailsCleanly(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:6379", "redis://", "redis://host:6379/db", "not a url at all", "redis://h:6379/x7"})
    void badRedisUrlIsAUsageError(String url) {
        cli("--redis-url", url, "stats").assertFailsCleanly(2);
    }

    @Test
    void passwordOnTheCommandLineIsRefusedAndNeverEchoed() {
        CliRun r = cli("--redis-url", "redis://admin:hunter2pw@127.0.0.1:6379", "stats").assertFailsCleanly(2);
        assertFalse(r.err().contains("hunter2pw") || r.out().contains("hunter2pw"), r.err());
        assertTrue(r.err().contains("AMORSIZE_REDIS_URL"), r.err());
        // A mistyped option that carries the URL must not echo the password either.
        CliRun typo = cli("--redis-urll=redis://admin:hunter2pw@127.0.0.1:6379", "stats").assertFailsCleanly(2);
        assertFalse(typo.err().contains("hunter2pw"), typo.err());
    }

    @Test
    void urlComesFromTheEnvironmentAndPasswordFromANamedVariable() {
        Map<String, String> env = Map.of("AMORSIZE_REDIS_URL", "redis://127.0.0.1:7/0", "PW", "s3cr3t-pass");
        cli(env, "", "prewarm", spec.toString()).assertOk();
        assertEquals(2, stores.get("redis://127.0.0.1:7/0").scan("*").size());
        cli(env, "", "--password-env", "PW", "prewarm", spec.toString()).assertOk();
        assertTrue(stores.containsKey("redis://:s3cr3t-pass@127.0.0.1:7/0"), stores.keySet().toString());
        cli(env, "", "--password-env", "NOPE", "stats").assertFailsCleanly(2);
        // --file ignores AMORSIZE_REDIS_URL
        cli(env, "", "--file", "--cache-dir", tmp.toString(), "prewarm", spec.toString()).assertOk();
        assertEquals(2, stores.get(tmp.toString()).scan("*").size());
    }

    @Test
    void prewarmStoresUnderTheKeyALookupComputes() {
        CliRun r = cli(with("redis://h:1", "prewarm", spec.toString())).assertOk();
        assertTrue(r.out().contains("Prewarmed 2 workloads"), r.out());
        var spark = new io.amorsize.model.ClusterShape("spark", "4.1.1", 4, 1L << 30, 5e6);
        String expected = CacheKey.of("fnA", new io.amorsize.recommend.InputShape(1_000_000, -1, 8), spark).render("amorsize:");
        Optional<io.amorsize.cache.CacheHit> hit = stores.get("redis://h:1").get(expected);
        assertTrue(hit.isPresent(), "prewarmed key " + expected + " not found in " + stores.get("redis://h:1").scan("*"));
        CacheEntry e = hit.get().entry();
        assertEquals(50_000, e.profile().meanNanos(), 1e-9);
        assertEquals(0.3, e.profile().cv(), 1e-12);
        assertEquals(expected, e.key());
        assertEquals(1_000_000, e.workload().records());
    }

    @Test
    void listAndShow() {
        cli(with("redis://h:1", "prewarm", spec.toString())).assertOk();
        CliRun list = cli(with("redis://h:1", "list")).assertOk();
        List<String> lines = list.out().lines().toList();
        assertEquals(3, lines.size(), list.out());
        assertTrue(lines.get(2).startsWith("2 keys"), list.out());
        String keyA = lines.stream().filter(l -> l.contains(":fnA:")).findFirst().orElseThrow().split(" ")[0];
        assertTrue(lines.stream().anyMatch(l -> l.contains(":fnA:") && l.contains("50.0 µs/record") && l.contains("spark 4.1.1 4 slots")),
                list.out());
        assertEquals(2, cli(with("redis://h:1", "list", "--keys-only")).assertOk().out().lines().count());
        assertEquals(1, cli(with("redis://h:1", "list", "--keys-only", "v1:fnB:*")).assertOk().out().lines().count());

        CliRun show = cli(with("redis://h:1", "show", keyA)).assertOk();
        assertTrue(show.out().contains("mean 50.0 µs"), show.out());
        assertTrue(show.out().contains("explanation"), show.out());
        // without the prefix
        cli(with("redis://h:1", "show", keyA.substring("amorsize:".length()))).assertOk();
        CliRun json = cli(with("redis://h:1", "show", "--json", keyA)).assertOk();
        assertTrue(json.out().contains("\"meanNanos\""), json.out());

        cli(with("redis://h:1", "show", "amorsize:v1:nothing:here:x")).assertFailsCleanly(1);
        cli(with("redis://h:1", "show", "two words")).assertFailsCleanly(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{\"function\": \"f\", \"records\": \"4000000\", \"partitions\": 8, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f\", \"records\": 100, \"partitions\": 3.9, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f\", \"function\": \"g\", \"records\": 100, \"partitions\": 3, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f\", \"records\": 100, \"partitions\": 3, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}] trailing",
            "[{\"function\": \"f\", \"records\": 100, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f\", \"records\": 100, \"partitions\": 3, \"nanosPerRecord\": 5, \"colour\": \"red\", \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f\", \"records\": 100, \"partitions\": 0, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f\", \"records\": 100, \"partitions\": 3, \"nanosPerRecord\": -5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "[{\"function\": \"f:x\", \"records\": 100, \"partitions\": 3, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4\", \"slots\": 4, \"memoryPerSlotBytes\": 1000}}]",
            "{\"function\": \"f\"}",
            "[]",
            "null",
            "",
            "[{\"@class\": \"java.lang.ProcessBuilder\"}]"})
    void badPrewarmFileIsExit2AndStoresNothing(String content) throws IOException {
        // One valid element first: a bad element later must still store nothing.
        String text = content.startsWith("[{") ? content.replaceFirst("^\\[", "[" + SPEC.strip().substring(1, SPEC.strip().length() - 1) + ",") : content;
        Path f = Files.writeString(tmp.resolve("bad.json"), text);
        CliRun r = cli(with("redis://h:1", "prewarm", f.toString())).assertFailsCleanly(2);
        assertTrue(r.err().contains("bad.json"), r.err());
        assertTrue(stores.getOrDefault("redis://h:1", new InMemoryStore()).scan("*").isEmpty(), "nothing may be stored");
    }

    @Test
    void missingFileIsExit2() {
        cli(with("redis://h:1", "prewarm", tmp.resolve("absent.json").toString())).assertFailsCleanly(2);
        cli(with("redis://h:1", "import", tmp.toString())).assertFailsCleanly(2); // a directory
    }

    @Test
    void clearAsksAndStaysInsideThePrefix() {
        cli(with("redis://h:1", "prewarm", spec.toString())).assertOk();
        cli(with("redis://h:1", "--prefix", "other:", "prewarm", spec.toString())).assertOk();
        InMemoryStore s = stores.get("redis://h:1");
        assertEquals(4, s.scan("*").size());

        CliRun no = cli(Map.of(), "n\n", with("redis://h:1", "clear")).assertFailsCleanly(1);
        assertTrue(no.out().contains("Delete 2 keys matching 'amorsize:*'"), no.out());
        cli(Map.of(), "", with("redis://h:1", "clear")).assertFailsCleanly(1); // EOF: no answer
        assertEquals(4, s.scan("*").size());

        CliRun one = cli(Map.of(), "yes\n", with("redis://h:1", "clear", "v1:fnA:*")).assertOk();
        assertTrue(one.out().contains("Deleted 1 key"), one.out());
        cli(with("redis://h:1", "clear", "--yes")).assertOk();
        assertEquals(List.of("other:"), s.scan("*").stream().map(k -> k.substring(0, 6)).distinct().toList());
        assertEquals(2, s.scan("*").size());
        assertTrue(cli(with("redis://h:1", "clear")).assertOk().out().contains("No keys match"));
    }

    @Test
    void exportThenImportIntoAnotherInstanceAndPrefix() throws IOException {
        cli(with("redis://a:1", "prewarm", spec.toString())).assertOk();
        Path bundle = tmp.resolve("bundle.json");
        CliRun ex = cli(with("redis://a:1", "export", bundle.toString())).assertOk();
        assertTrue(ex.out().contains("Exported 2 entries"), ex.out());

        CliRun im = cli(with("redis://b:2", "--prefix", "team2:", "import", bundle.toString())).assertOk();
        assertTrue(im.out().contains("Imported 2 entries"), im.out());
        InMemoryStore a = stores.get("redis://a:1");
        InMemoryStore b = stores.get("redis://b:2");
        for (String k : a.scan("*")) {
            String k2 = "team2:" + k.substring("amorsize:".length());
            CacheEntry ea = a.get(k).orElseThrow().entry();
            CacheEntry eb = b.get(k2).orElseThrow().entry();
            assertEquals(k2, eb.key());
            assertEquals(ea.profile(), eb.profile());
            assertEquals(ea.createdAtMillis(), eb.createdAtMillis());
        }
        // and into the file store
        cli(Map.of(), "", "--cache-dir", tmp.resolve("cache").toString(), "import", bundle.toString()).assertOk();
        assertEquals(2, stores.get(tmp.resolve("cache").toString()).scan("*").size());

        // Newer entries at the destination are kept unless --force.
        cli(with("redis://b:2", "--prefix", "team2:", "prewarm", spec.toString())).assertOk();
        CliRun again = cli(with("redis://b:2", "--prefix", "team2:", "import", bundle.toString())).assertOk();
        assertTrue(again.out().contains("Imported 0 entries") && again.out().contains("kept 2 newer"), again.out());
        assertTrue(cli(with("redis://b:2", "--prefix", "team2:", "import", "--force", bundle.toString())).assertOk()
                .out().contains("Imported 2 entries"));
    }

    @Test
    void tamperedBundleImportsNothing() throws IOException {
        cli(with("redis://a:1", "prewarm", spec.toString())).assertOk();
        Path bundle = tmp.resolve("bundle.json");
        cli(with("redis://a:1", "export", bundle.toString())).assertOk();
        String good = Files.readString(bundle);
        String[] bad = {
            good.replace("\\\"partitions\\\":", "\\\"partitions\\\":-"),
            good.replace("amorsize-bundle", "something-else"),
            good.replace("\"version\" : 1", "\"version\" : 2"),
            good.replaceFirst("\"key\" : \"amorsize:", "\"key\" : \"elsewhere:"),
            good.substring(0, good.length() / 2),
        };
        for (String text : bad) {
            assertFalse(text.equals(good), "the tampering must change the file");
            Path f = Files.writeString(tmp.resolve("bad-bundle.json"), text);
            cli(with("redis://c:3", "import", f.toString())).assertFailsCleanly(2);
            assertTrue(stores.getOrDefault("redis://c:3", new InMemoryStore()).scan("*").isEmpty());
        }
    }

    @Test
    void statsPrintsTheSeedFieldsAndCounters() {
        cli(with("redis://h:1", "prewarm", spec.toString())).assertOk();
        CliRun r = cli(with("redis://h:1", "stats")).assertOk();
        for (String f : List.of("backend", "keys", "memory used", "server version", "connected clients", "uptime", "hits / misses")) {
            assertTrue(r.out().contains(f), f + " missing in " + r.out());
        }
        CliRun j = cli(with("redis://h:1", "stats", "--json")).assertOk();
        assertTrue(j.out().contains("\"keys\" : 2"), j.out());
    }

    @Test
    void storeFailureIsExit1WithOneLine() {
        StoreOpener down = t -> {
            throw new io.amorsize.cache.StoreUnavailableException("connection refused: 127.0.0.1:1");
        };
        CliRun r = CliRun.run(down, Map.of(), "", "--redis-url", "redis://127.0.0.1:1", "list").assertFailsCleanly(1);
        assertTrue(r.err().contains("connection refused"), r.err());
    }

    @Test
    void secretIsReadFromTheNamedVariableOnly() {
        cli(Map.of(), "", "--secret-env", "UNSET_VAR", "stats").assertFailsCleanly(2);
        cli(Map.of("MY_SECRET", "0123456789abcdef-long"), "", "--secret-env", "MY_SECRET", "--redis-url", "redis://h:1", "stats").assertOk();
    }

    /** Shares one in-memory store between invocations (closing it would not lose data anyway). */
    record Unclosable(InMemoryStore s) implements RecommendationStore {
        public Optional<io.amorsize.cache.CacheHit> get(String key) { return s.get(key); }
        public void put(String key, CacheEntry entry) { s.put(key, entry); }
        public boolean delete(String key) { return s.delete(key); }
        public List<String> scan(String pattern) { return s.scan(pattern); }
        public long clear(String pattern) { return s.clear(pattern); }
        public StoreStats stats() { return s.stats(); }
        public Optional<io.amorsize.cache.ComputeLock> tryLock(String key, Duration lease) { return s.tryLock(key, lease); }
        public void close() { }
    }
}
