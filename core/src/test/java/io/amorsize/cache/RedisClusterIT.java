package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code redis-cluster://}: three masters spawned locally; entries, SCAN across nodes, clear, locks, stats. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisClusterIT {

    @Test
    void cacheWorksAcrossClusterNodes() throws Exception {
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServerProcess.startOnPort(
                        portWithFreeBus(),
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "2000"));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = nodes.get(0).cli(create.toArray(new String[0]));
            assertTrue(out.contains("All 16384 slots covered"), out);
            for (RedisServerProcess n : nodes) {
                RedisSentinelIT.awaitTrue(
                        () -> n.cli("CLUSTER", "INFO").contains("cluster_state:ok"),
                        20_000,
                        "cluster_state:ok on " + n);
            }
            String url = "redis-cluster://127.0.0.1:" + nodes.get(0).port() + ",127.0.0.1:"
                    + nodes.get(1).port();
            CacheConfig cfg = CacheConfig.builder()
                    .redisUrl(url)
                    .keyPrefix("amz-cluster:")
                    .deadline(Duration.ofSeconds(2))
                    .build();
            try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
                assertTrue(store.ping());
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    String k = "amz-cluster:v1:f" + i + ":n1:c";
                    store.put(Entries.k(k), Entries.sample(k));
                    keys.add(k);
                }
                long nodesWithKeys =
                        nodes.stream().filter(n -> !"0".equals(n.cli("DBSIZE"))).count();
                assertEquals(3, nodesWithKeys, "keys spread over the three masters");
                for (String k : keys) {
                    assertTrue(store.get(Entries.k(k)).isPresent(), k);
                }
                assertEquals(60, store.scan("v1:*").size());
                Optional<ComputeLock> lock = store.tryLock(Entries.k(keys.get(0)), Duration.ofSeconds(5));
                assertTrue(lock.isPresent());
                assertTrue(store.tryLock(Entries.k(keys.get(0)), Duration.ofSeconds(5))
                        .isEmpty());
                lock.get().close();
                assertTrue(store.tryLock(Entries.k(keys.get(0)), Duration.ofSeconds(5))
                        .isPresent());
                StoreStats s = store.stats();
                assertEquals(60, s.keyCount(), "60 entries; the held lock is not an entry (issue 12)");
                assertTrue(s.serverVersion().length() > 0 && s.memoryUsedBytes() > 0);
                assertEquals(60, store.clear("*"));
                assertEquals(
                        1,
                        nodes.stream()
                                .mapToLong(n -> Long.parseLong(n.cli("DBSIZE")))
                                .sum(),
                        "clear leaves the held lock, which expires with its lease");
                assertEquals(List.of(), store.scan("*"));
                assertEquals("CLOSED", store.breakerState());
            }
        } finally {
            nodes.forEach(RedisServerProcess::close);
        }
    }

    /** A free port below 55535 whose cluster bus port (+10000) is free too. */
    private static int portWithFreeBus() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 55_000);
            if (free(p) && free(p + 10_000)) {
                return p;
            }
        }
        throw new IOException("no free port pair");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
