package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryFormat;
import io.amorsize.key.CacheKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store commands (prewarm, list, show, clear, export, import, stats) and their exit codes, written
 * once and run against each store kind: two named instances "a" and "b" so that export / import
 * between instances is real.
 */
@Timeout(60)
abstract class StoreCommandsContract {

    static final String SPEC = """
            [{"function": "fnA", "records": 1000000, "partitions": 8, "nanosPerRecord": 50000, "cv": 0.3,
              "inputBytesPerRecord": 200, "outputBytesPerRecord": 120,
              "cluster": {"engine": "spark", "engineVersion": "4.1.1", "slots": 4, "memoryPerSlotBytes": 1073741824}},
             {"function": "fnB", "records": 5000, "partitions": 2, "nanosPerRecord": 1200,
              "cluster": {"engine": "flink", "engineVersion": "2.3.0", "slots": 2, "memoryPerSlotBytes": 536870912,
                          "perTaskOverheadNanos": 2000000}}]
            """;

    @TempDir
    Path tmp;

    Path spec;

    /** The global options that select instance {@code name} ("a", "b", "c"). */
    abstract List<String> storeArgs(String name);

    abstract StoreOpener opener();

    /** Every key in instance {@code name}, whatever its prefix. */
    abstract List<String> allKeys(String name);

    /** The entry under a full key of instance {@code name}, read directly (not through the CLI). */
    abstract Optional<CacheEntry> entry(String name, String key);

    @BeforeEach
    void writeSpec() throws IOException {
        spec = Files.writeString(tmp.resolve("spec.json"), SPEC);
    }

    CliRun cli(String... args) {
        return cli(Map.of(), "", args);
    }

    CliRun cli(Map<String, String> env, String stdin, String... args) {
        return CliRun.run(opener(), env, stdin, args);
    }

    String[] with(String instance, String... args) {
        List<String> a = new java.util.ArrayList<>(storeArgs(instance));
        a.addAll(List.of(args));
        return a.toArray(new String[0]);
    }

    @Test
    void prewarmStoresUnderTheKeyALookupComputes() {
        CliRun r = cli(with("a", "prewarm", spec.toString())).assertOk();
        assertTrue(r.out().contains("Prewarmed 2 workloads"), r.out());
        var spark = new io.amorsize.model.ClusterShape("spark", "4.1.1", 4, 1L << 30, 5e6);
        String expected = EntryFormat.render(
                "amorsize:", CacheKey.of("fnA", new io.amorsize.key.InputShape(1_000_000, -1, 8), spark));
        Optional<CacheEntry> hit = entry("a", expected);
        assertTrue(hit.isPresent(), "prewarmed key " + expected + " not found in " + allKeys("a"));
        CacheEntry e = hit.get();
        assertEquals(50_000, e.profile().meanNanos(), 1e-9);
        assertEquals(0.3, e.profile().cv(), 1e-12);
        assertEquals(expected, EntryFormat.render("amorsize:", e.key()));
        assertEquals(1_000_000, e.workload().records());
    }

    @Test
    void listAndShow() {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        CliRun list = cli(with("a", "list")).assertOk();
        List<String> lines = list.out().lines().toList();
        assertEquals(3, lines.size(), list.out());
        assertTrue(lines.get(2).startsWith("2 keys"), list.out());
        String keyA = lines.stream()
                .filter(l -> l.contains(":fnA:"))
                .findFirst()
                .orElseThrow()
                .split(" ")[0];
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.contains(":fnA:")
                                && l.contains("50.0 µs/record")
                                && l.contains("spark 4.1.1 4 slots")),
                list.out());
        assertEquals(
                2,
                cli(with("a", "list", "--keys-only")).assertOk().out().lines().count());
        assertEquals(
                1,
                cli(with("a", "list", "--keys-only", "v1:fnB:*"))
                        .assertOk()
                        .out()
                        .lines()
                        .count());

        CliRun show = cli(with("a", "show", keyA)).assertOk();
        assertTrue(show.out().contains("mean 50.0 µs"), show.out());
        assertTrue(show.out().contains("explanation"), show.out());
        // without the prefix
        cli(with("a", "show", keyA.substring("amorsize:".length()))).assertOk();
        CliRun json = cli(with("a", "show", "--json", keyA)).assertOk();
        assertTrue(json.out().contains("\"meanNanos\""), json.out());

        cli(with("a", "show", "amorsize:v1:nothing:here:x")).assertFailsCleanly(1);
        cli(with("a", "show", "two words")).assertFailsCleanly(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
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
                "[{\"@class\": \"java.lang.ProcessBuilder\"}]"
            })
    void badPrewarmFileIsExit2AndStoresNothing(String content) throws IOException {
        // One valid element first: a bad element later must still store nothing.
        String text = content.startsWith("[{")
                ? content.replaceFirst(
                        "^\\[", "[" + SPEC.strip().substring(1, SPEC.strip().length() - 1) + ",")
                : content;
        Path f = Files.writeString(tmp.resolve("bad.json"), text);
        CliRun r = cli(with("a", "prewarm", f.toString())).assertFailsCleanly(2);
        assertTrue(r.err().contains("bad.json"), r.err());
        assertTrue(allKeys("a").isEmpty(), "nothing may be stored");
    }

    @Test
    void prewarmAndImportReadStdin() throws IOException {
        cli(Map.of(), SPEC, with("a", "prewarm", "-")).assertOk();
        assertEquals(2, allKeys("a").size());
        Path bundle = tmp.resolve("stdin-bundle.json");
        cli(with("a", "export", bundle.toString())).assertOk();
        cli(Map.of(), Files.readString(bundle), with("b", "import", "-")).assertOk();
        assertEquals(2, allKeys("b").size());
        cli(Map.of(), "not json", with("c", "import", "-")).assertFailsCleanly(2);
    }

    @Test
    void missingFileIsExit2() {
        cli(with("a", "prewarm", tmp.resolve("absent.json").toString())).assertFailsCleanly(2);
        cli(with("a", "import", tmp.toString())).assertFailsCleanly(2); // a directory
    }

    @Test
    void clearAsksAndStaysInsideThePrefix() {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        cli(with("a", "--prefix", "other:", "prewarm", spec.toString())).assertOk();
        assertEquals(4, allKeys("a").size());

        CliRun no = cli(Map.of(), "n\n", with("a", "clear")).assertFailsCleanly(1);
        assertTrue(no.out().contains("Delete 2 keys matching 'amorsize:*'"), no.out());
        cli(Map.of(), "", with("a", "clear")).assertFailsCleanly(1); // EOF: no answer
        assertEquals(4, allKeys("a").size());

        CliRun one = cli(Map.of(), "yes\n", with("a", "clear", "v1:fnA:*")).assertOk();
        assertTrue(one.out().contains("Deleted 1 key"), one.out());
        cli(with("a", "clear", "--yes")).assertOk();
        assertEquals(
                List.of("other:"),
                allKeys("a").stream().map(k -> k.substring(0, 6)).distinct().toList());
        assertEquals(2, allKeys("a").size());
        assertTrue(cli(with("a", "clear")).assertOk().out().contains("No keys match"));
    }

    @Test
    void exportThenImportIntoAnotherInstanceAndPrefix() throws IOException {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        Path bundle = tmp.resolve("bundle.json");
        CliRun ex = cli(with("a", "export", bundle.toString())).assertOk();
        assertTrue(ex.out().contains("Exported 2 entries"), ex.out());

        CliRun im = cli(with("b", "--prefix", "team2:", "import", bundle.toString()))
                .assertOk();
        assertTrue(im.out().contains("Imported 2 entries"), im.out());
        assertEquals(2, allKeys("b").size());
        for (String k : allKeys("a")) {
            String k2 = "team2:" + k.substring("amorsize:".length());
            CacheEntry ea = entry("a", k).orElseThrow();
            CacheEntry eb = entry("b", k2).orElseThrow();
            assertEquals(k2, EntryFormat.render("team2:", eb.key()));
            assertEquals(ea.profile(), eb.profile());
            assertEquals(ea.createdAtMillis(), eb.createdAtMillis());
        }
        // Newer entries at the destination are kept unless --force.
        cli(with("b", "--prefix", "team2:", "prewarm", spec.toString())).assertOk();
        CliRun again = cli(with("b", "--prefix", "team2:", "import", bundle.toString()))
                .assertOk();
        assertTrue(again.out().contains("Imported 0 entries") && again.out().contains("kept 2 newer"), again.out());
        assertTrue(cli(with("b", "--prefix", "team2:", "import", "--force", bundle.toString()))
                .assertOk()
                .out()
                .contains("Imported 2 entries"));
    }

    @Test
    void tamperedBundleImportsNothing() throws IOException {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        Path bundle = tmp.resolve("bundle.json");
        cli(with("a", "export", bundle.toString())).assertOk();
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
            cli(with("c", "import", f.toString())).assertFailsCleanly(2);
            assertTrue(allKeys("c").isEmpty());
        }
    }

    @Test
    void statsPrintsTheSeedFieldsAndCounters() {
        cli(with("a", "prewarm", spec.toString())).assertOk();
        CliRun r = cli(with("a", "stats")).assertOk();
        for (String f : List.of(
                "backend", "keys", "memory used", "server version", "connected clients", "uptime", "hits / misses")) {
            assertTrue(r.out().contains(f), f + " missing in " + r.out());
        }
        CliRun j = cli(with("a", "stats", "--json")).assertOk();
        assertTrue(j.out().contains("\"keys\" : 2"), j.out());
    }
}
