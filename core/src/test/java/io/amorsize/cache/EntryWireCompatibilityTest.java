package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.amorsize.Action;
import io.amorsize.measure.BatchFit;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The wire format did not move when CostProfile and Workload became records of named parts: these
 * bytes were written by the flat 14- and 7-argument records, and must still decode to the same
 * values and re-encode to the same bytes (the HMAC's canonical form included).
 */
class EntryWireCompatibilityTest {

    private static final String KEY = "amorsize:v1:fn123:n20:spark-4.1.1-s8-m30";
    private static final ClusterShape CLUSTER = new ClusterShape("spark", "4.1.1", 8, 1L << 30, 2_000_000.0);

    /** Written before the split: a batch profile with everything known, an estimated keyed workload. */
    private static final String FULL_PLAIN =
            "{\"schema\":1,\"key\":\"amorsize:v1:fn123:n20:spark-4.1.1-s8-m30\",\"profile\":{\"sampleSize\":200"
                    + ",\"steadyState\":true,\"meanNanos\":1200.0,\"p50Nanos\":1100.0,\"p95Nanos\":1900.0,\"p99Nanos\":2500.0"
                    + ",\"maxNanos\":4000.0,\"cv\":0.3,\"cpuNanos\":900.0,\"inputBytes\":64.0,\"outputBytes\":16.0"
                    + ",\"allocatedBytes\":512.0,\"partitionSkew\":1.25,\"batchFit\":{\"fixedNanos\":500000.0"
                    + ",\"perRecordNanos\":900.0,\"points\":3,\"rSquared\":0.97}},\"cluster\":{\"engine\":\"spark\""
                    + ",\"engineVersion\":\"4.1.1\",\"slots\":8,\"memoryPerSlotBytes\":1073741824"
                    + ",\"perTaskOverheadNanos\":2000000.0},\"workload\":{\"records\":50000,\"recordsExact\":false"
                    + ",\"relativeError\":0.15,\"currentPartitions\":4,\"largestPartitionShare\":0.4,\"maxParallelism\":128"
                    + ",\"preferDivisorsOfMax\":true},\"decision\":{\"partitions\":8,\"batchSize\":64,\"action\":\"REPARTITION\"}"
                    + ",\"createdAt\":1700000000000,\"mac\":\"\"}";

    private static final String FULL_SIGNED =
            "{\"schema\":1,\"key\":\"amorsize:v1:fn123:n20:spark-4.1.1-s8-m30\",\"profile\":{\"sampleSize\":200"
                    + ",\"steadyState\":true,\"meanNanos\":1200.0,\"p50Nanos\":1100.0,\"p95Nanos\":1900.0,\"p99Nanos\":2500.0"
                    + ",\"maxNanos\":4000.0,\"cv\":0.3,\"cpuNanos\":900.0,\"inputBytes\":64.0,\"outputBytes\":16.0"
                    + ",\"allocatedBytes\":512.0,\"partitionSkew\":1.25,\"batchFit\":{\"fixedNanos\":500000.0"
                    + ",\"perRecordNanos\":900.0,\"points\":3,\"rSquared\":0.97}},\"cluster\":{\"engine\":\"spark\""
                    + ",\"engineVersion\":\"4.1.1\",\"slots\":8,\"memoryPerSlotBytes\":1073741824"
                    + ",\"perTaskOverheadNanos\":2000000.0},\"workload\":{\"records\":50000,\"recordsExact\":false"
                    + ",\"relativeError\":0.15,\"currentPartitions\":4,\"largestPartitionShare\":0.4,\"maxParallelism\":128"
                    + ",\"preferDivisorsOfMax\":true},\"decision\":{\"partitions\":8,\"batchSize\":64,\"action\":\"REPARTITION\"}"
                    + ",\"createdAt\":1700000000000"
                    + ",\"mac\":\"50c5fa43c0beeedead34e771c41598f317a0dc97d964da44717c8e01cfa8800d\"}";
    /** Written before the split: unknown CPU, sizes and allocation (-1), an exact workload. */
    private static final String UNKNOWNS_SIGNED =
            "{\"schema\":1,\"key\":\"amorsize:v1:fn123:n20:spark-4.1.1-s8-m30\",\"profile\":{\"sampleSize\":3"
                    + ",\"steadyState\":false,\"meanNanos\":12.5,\"p50Nanos\":10.0,\"p95Nanos\":20.0,\"p99Nanos\":30.0"
                    + ",\"maxNanos\":40.0,\"cv\":0.5,\"cpuNanos\":-1.0,\"inputBytes\":-1.0,\"outputBytes\":-1.0"
                    + ",\"allocatedBytes\":-1.0,\"partitionSkew\":1.0,\"batchFit\":null},\"cluster\":{\"engine\":\"spark\""
                    + ",\"engineVersion\":\"4.1.1\",\"slots\":8,\"memoryPerSlotBytes\":1073741824"
                    + ",\"perTaskOverheadNanos\":2000000.0},\"workload\":{\"records\":1000,\"recordsExact\":true"
                    + ",\"relativeError\":0.0,\"currentPartitions\":2,\"largestPartitionShare\":0.5,\"maxParallelism\":0"
                    + ",\"preferDivisorsOfMax\":false},\"decision\":{\"partitions\":2,\"batchSize\":1,\"action\":\"KEEP\"}"
                    + ",\"createdAt\":1700000000001"
                    + ",\"mac\":\"3f0f7f98284edc8d958844df82ced49a668f458e70860b28abf895c1e5be68c9\"}";

    private final EntryCodec plain = new EntryCodec(null);
    private final EntryCodec signed = EntryCodec.withSecret("s3cr3t-value");

    private static CacheEntry full() {
        CostProfile p = new CostProfile(
                new CostProfile.Sample(200, true, 1.25),
                new CostProfile.Timing(1200.0, 1100.0, 1900.0, 2500.0, 4000.0, 0.3),
                new CostProfile.Resources(900.0, 512.0),
                CostProfile.Sizes.of(64.0, 16.0),
                new BatchFit(5.0e5, 900.0, 3, 0.97));
        Workload w = Workload.estimated(50_000, 0.15, 4).withLargestShare(0.4).withKeyedMaxParallelism(128);
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                CLUSTER,
                w,
                8,
                64,
                Action.REPARTITION,
                1_700_000_000_000L);
    }

    private static CacheEntry unknowns() {
        CostProfile p = CostProfile.perRecord(
                CostProfile.Sample.of(3, false),
                new CostProfile.Timing(12.5, 10, 20, 30, 40, 0.5),
                CostProfile.Resources.unknown(),
                CostProfile.Sizes.unknown());
        return new CacheEntry(
                EntryFormat.SCHEMA_VERSION,
                EntryFormat.keyOf(KEY),
                p,
                CLUSTER,
                Workload.exact(1000, 2),
                2,
                1,
                Action.KEEP,
                1_700_000_000_001L);
    }

    @Test
    void entriesWrittenBeforeTheSplitDecodeToTheSameValues() throws Exception {
        assertEquals(full(), plain.decode(KEY, bytes(FULL_PLAIN)));
        assertEquals(full(), signed.decode(KEY, bytes(FULL_SIGNED)));
        CacheEntry u = signed.decode(KEY, bytes(UNKNOWNS_SIGNED));
        assertEquals(unknowns(), u);
        assertEquals(-1, u.profile().cpuNanos());
        assertEquals(-1, u.profile().inputBytes());
        assertEquals(0, u.workload().maxParallelism());
    }

    @Test
    void theNamedFactoriesEncodeToTheSameBytes() {
        assertArrayEquals(bytes(FULL_PLAIN), plain.encode(KEY, full()));
        assertArrayEquals(bytes(FULL_SIGNED), signed.encode(KEY, full()));
        assertArrayEquals(bytes(UNKNOWNS_SIGNED), signed.encode(KEY, unknowns()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
