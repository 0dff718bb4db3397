package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.WorkloadSpec;
import io.amorsize.cache.EntryFormat;
import io.amorsize.key.CacheKey;
import io.amorsize.key.InputKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prewarm} of file inputs and engine-described clusters stores the key the adapters look up. */
class PrewarmInputsTest {

    @TempDir
    Path tmp;

    private List<String> prewarmAndList(String json) throws IOException {
        Path file = Files.writeString(tmp.resolve("w.json"), json);
        Path dir = tmp.resolve("cache");
        CliRun.run(Stores::open, Map.of(), "", "--file", "--cache-dir", dir.toString(), "prewarm", file.toString())
                .assertOk();
        return CliRun.run(Stores::open, Map.of(), "", "--file", "--cache-dir", dir.toString(), "list", "--keys-only")
                .assertOk()
                .out()
                .lines()
                .toList();
    }

    @Test
    void aFilesInputOnASparkClusterKeysOnTheBytesAndTheExecutors() throws IOException {
        List<String> keys =
                prewarmAndList("[{\"function\": \"abc123\", \"input\": \"files\", \"knownInputBytes\": 5000000,"
                        + " \"records\": 60000, \"partitions\": 3, \"nanosPerRecord\": 20000,"
                        + " \"cluster\": {\"engine\": \"spark\", \"engineVersion\": \"4.1.1\", \"executors\": 2,"
                        + " \"coresPerExecutor\": 2, \"executorMemoryBytes\": 2147483648}}]");
        // Spark textFile: split bytes known, records not (KnownSizes), 2 x 2 cores of 1 GiB each.
        CacheKey lookUp = CacheKey.of(
                "abc123", InputKind.describe(-1, 5_000_000, 3), WorkloadSpec.onSpark("4.1.1", 2, 2, 2L << 30));
        assertEquals(List.of(EntryFormat.render("amorsize:", lookUp)), keys);
        assertTrue(keys.get(0).contains(":B23:spark-4.1.1-s4-m30"), keys.get(0));
    }

    @Test
    void unknownSizeAndFlinkTaskManagersAreAccepted() throws IOException {
        List<String> keys = prewarmAndList("[{\"function\": \"abc123\", \"input\": \"unknown-size\", \"records\": 10,"
                + " \"partitions\": 16, \"nanosPerRecord\": 20000,"
                + " \"cluster\": {\"engine\": \"flink\", \"engineVersion\": \"2.3.0\", \"taskManagers\": 2,"
                + " \"slotsPerTaskManager\": 2, \"taskHeapBytes\": 1073741824}}]");
        assertEquals(List.of("amorsize:v1:abc123:p5:flink-2.3.0-s4-m29"), keys);
    }

    @Test
    void mixedClusterFormsAndABadInputKindAreUsageErrors() throws IOException {
        Path mixed = Files.writeString(
                tmp.resolve("mixed.json"),
                "[{\"function\": \"abc\", \"records\": 10,"
                        + " \"partitions\": 1, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\","
                        + " \"engineVersion\": \"4.1.1\", \"slots\": 2, \"memoryPerSlotBytes\": 1024, \"executors\": 1}}]");
        CliRun r = CliRun.run(
                        Stores::open,
                        Map.of(),
                        "",
                        "--file",
                        "--cache-dir",
                        tmp.resolve("c").toString(),
                        "prewarm",
                        mixed.toString())
                .assertFailsCleanly(2);
        assertTrue(r.err().contains("not a mix"), r.err());
        Path files = Files.writeString(
                tmp.resolve("files.json"),
                "[{\"function\": \"abc\", \"input\": \"files\","
                        + " \"records\": 10, \"partitions\": 1, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\","
                        + " \"engineVersion\": \"4.1.1\", \"slots\": 2, \"memoryPerSlotBytes\": 1024}}]");
        r = CliRun.run(
                        Stores::open,
                        Map.of(),
                        "",
                        "--file",
                        "--cache-dir",
                        tmp.resolve("c").toString(),
                        "prewarm",
                        files.toString())
                .assertFailsCleanly(2);
        assertTrue(r.err().contains("knownInputBytes"), r.err());
        Path bad = Files.writeString(
                tmp.resolve("bad.json"),
                "[{\"function\": \"abc\", \"input\": \"bytes\","
                        + " \"records\": 10, \"partitions\": 1, \"nanosPerRecord\": 5, \"cluster\": {\"engine\": \"spark\","
                        + " \"engineVersion\": \"4.1.1\", \"slots\": 2, \"memoryPerSlotBytes\": 1024}}]");
        r = CliRun.run(
                        Stores::open,
                        Map.of(),
                        "",
                        "--file",
                        "--cache-dir",
                        tmp.resolve("c").toString(),
                        "prewarm",
                        bad.toString())
                .assertFailsCleanly(2);
        assertTrue(r.err().contains("$[0].input"), r.err());
    }
}
