package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.InMemoryStore;
import io.amorsize.model.ClusterShape;
import org.junit.jupiter.api.Test;

/** The per-cluster overhead entry: written and read back through a real store's validation. */
class ClusterOverheadEntryTest {

    @Test
    void theClusterOverheadRoundTripsThroughAStoreUnderItsOwnKey() {
        InMemoryStore store = new InMemoryStore();
        ClusterShape live = new ClusterShape("spark", "4.1.1", 8, 1L << 30, 5e6);
        assertNull(AmorsizeSpark.readCluster(store, live), "nothing stored yet");
        AmorsizeSpark.writeCluster(store, live, new TaskOverheads.Known(1.5e6, 4));
        TaskOverheads.Known k = AmorsizeSpark.readCluster(store, live);
        assertEquals(1.5e6, k.overheadNanos(), 1e-6);
        assertEquals(4, k.executorProcessors());
        assertTrue(store.get(AmorsizeSpark.clusterKey(live)).isPresent());
        // another cluster (other slots) has its own key
        assertNull(AmorsizeSpark.readCluster(store, new ClusterShape("spark", "4.1.1", 16, 1L << 30, 5e6)));
    }
}
