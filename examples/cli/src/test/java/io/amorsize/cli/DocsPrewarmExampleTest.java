package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.key.CacheKey;
import io.amorsize.key.FunctionFingerprint;
import io.amorsize.key.InputShape;
import io.amorsize.model.ClusterShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/OPERATIONS.md's {@code prewarm} example, run as written (file store, in-process CLI): the
 * function token it quotes is the fingerprint of the explicit id and version it names, and the key
 * the CLI stores is the one a look-up of that function over that input on that cluster computes.
 */
class DocsPrewarmExampleTest {

    @TempDir
    Path tmp;

    @Test
    void operationsPrewarmExampleStoresTheKeyALookUpComputes() throws IOException {
        String doc = Files.readString(repoRoot().resolve("docs/OPERATIONS.md"));
        Matcher id = Pattern.compile("`FunctionFingerprint\\.of\\(\"([^\"]+)\", \"([^\"]+)\"\\)` =\\s+`([0-9a-f]{32})`")
                .matcher(doc);
        assertTrue(id.find(), "OPERATIONS.md names FunctionFingerprint.of(id, version) = <token>");
        String fingerprint = FunctionFingerprint.of(id.group(1), id.group(2));
        assertEquals(
                fingerprint,
                id.group(3),
                "the token quoted for FunctionFingerprint.of(\"" + id.group(1) + "\", \"" + id.group(2) + "\")");

        Matcher block =
                Pattern.compile("(?s)`prewarm FILE`.*?```json\\n(.*?)```").matcher(doc);
        assertTrue(block.find(), "the prewarm JSON example");
        String json = block.group(1);
        assertTrue(json.contains("\"function\": \"" + fingerprint + "\""), json);

        Path file = Files.writeString(tmp.resolve("workloads.json"), json);
        Path dir = tmp.resolve("cache");
        CliRun.run(Stores::open, Map.of(), "", "--file", "--cache-dir", dir.toString(), "prewarm", file.toString())
                .assertOk();
        List<String> keys = CliRun.run(
                        Stores::open, Map.of(), "", "--file", "--cache-dir", dir.toString(), "list", "--keys-only")
                .assertOk()
                .out()
                .lines()
                .toList();

        // What the Spark adapter looks up for a parallelized input of 1,000,000 records on that cluster.
        ClusterShape spark = new ClusterShape("spark", "4.1.1", 4, 1L << 30, 5e6);
        String expected = io.amorsize.cache.EntryFormat.render(
                "amorsize:", CacheKey.of(fingerprint, new InputShape(1_000_000, -1, 8), spark));
        assertEquals(List.of(expected), keys);
    }

    static Path repoRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("docs/OPERATIONS.md"))) {
            root = root.getParent();
        }
        assertTrue(
                root != null,
                "docs/OPERATIONS.md not found above " + Path.of("").toAbsolutePath());
        return root;
    }
}
