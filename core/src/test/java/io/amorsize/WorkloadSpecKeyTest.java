package io.amorsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.key.CacheKey;
import io.amorsize.key.InputKind;
import io.amorsize.key.InputShape;
import io.amorsize.model.ClusterShape;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A prewarmed spec keys exactly as the adapters' look-ups do: both go through {@link InputKind#shape}
 * and the cluster's own fingerprint.
 */
class WorkloadSpecKeyTest {

    @Test
    void aFilesSpecKeysOnTheBytesLikeATextFileLookUp() {
        long bytes = 3_000_000;
        WorkloadSpec spec = WorkloadSpec.ofFiles(bytes, 40_000, 4, Duration.ofNanos(20_000));
        // What Spark textFile (KnownSizes: records unknown, split bytes known) and Flink tune(env, Path) build.
        InputShape lookUp = InputKind.describe(-1, bytes, 4);
        assertEquals(lookUp, spec.input());
        assertTrue(spec.input().bucket().startsWith("B"), spec.input().bucket());
        assertEquals(40_000, spec.workload().records(), "the expected count is the stored workload");
        // The record count is not in the key: another estimate of the same files hits the same entry.
        assertEquals(
                spec.input().bucket(),
                WorkloadSpec.ofFiles(bytes, 99, 4, Duration.ofNanos(20_000))
                        .input()
                        .bucket());
    }

    @Test
    void recordsSpecsKeepTheirKeyAndUnknownSizeKeysOnPartitions() {
        WorkloadSpec records = WorkloadSpec.of(1_000_000, 8, Duration.ofNanos(50_000));
        assertEquals(InputKind.RECORDS, records.inputKind());
        assertEquals(new InputShape(1_000_000, -1, 8).bucket(), records.input().bucket());
        assertEquals("n20", records.input().bucket());
        WorkloadSpec unknown = WorkloadSpec.ofUnknownSize(1_000_000, 8, Duration.ofNanos(50_000));
        assertEquals("p4", unknown.input().bucket());
        assertEquals(InputKind.describe(-1, -1, 8), unknown.input());
    }

    @Test
    void aFilesSpecWithoutBytesIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new WorkloadSpec(10, 1, -1, 5, 0.1, -1, -1, null, InputKind.FILES));
        assertTrue(e.getMessage().contains("knownInputBytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InputKind.RECORDS.shape(-1, 5, 1));
    }

    @Test
    void engineClustersAreDescribedAsTheAdaptersReadThem() {
        // Spark standalone: 2 executors x 2 cores, spark.executor.memory=2g -> 4 slots of 1 GiB.
        ClusterShape spark = WorkloadSpec.onSpark("4.1.1", 2, 2, 2L << 30);
        assertEquals(new ClusterShape("spark", "4.1.1", 4, 1L << 30, 5e6).fingerprint(), spark.fingerprint());
        // Flink: 2 task managers x 2 slots, task heap 1 GiB each -> 4 slots of 512 MiB.
        ClusterShape flink = WorkloadSpec.onFlink("2.3.0", 2, 2, 1L << 30);
        assertEquals(new ClusterShape("flink", "2.3.0", 4, 512L << 20, 5e6).fingerprint(), flink.fingerprint());
        CacheKey key = CacheKey.of(
                "f00d",
                WorkloadSpec.ofFiles(1 << 20, 1000, 1, Duration.ofMillis(1))
                        .on(flink)
                        .input(),
                flink);
        assertEquals("B21", key.inputBucket());
        assertThrows(IllegalArgumentException.class, () -> WorkloadSpec.onFlink("2.3.0", 0, 2, 1L << 30));
    }

    @Test
    void inputKindLabelsRoundTrip() {
        for (InputKind k : InputKind.values()) {
            assertEquals(k, InputKind.fromLabel(k.label()));
        }
        assertEquals(InputKind.UNKNOWN_SIZE, InputKind.fromLabel("unknown-size"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputKind.fromLabel("bytes"));
        assertTrue(e.getMessage().contains("records, files, unknown-size"), e.getMessage());
    }
}
