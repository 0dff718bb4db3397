package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amorsize.Ticker;
import io.amorsize.testing.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, test 13: a master, a replica and one Sentinel spawned locally; the master is killed;
 * reads (and writes) continue through {@code redis-sentinel://} after the failover.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisSentinelIT {

    @Test
    void readsContinueAfterFailover() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.start();
                RedisServerProcess replica = RedisServerProcess.start()) {
            // make it a replica of the master
            assertEquals("OK", replica.cli("REPLICAOF", "127.0.0.1", String.valueOf(master.port())));
            awaitTrue(
                    () -> replica.cli("INFO", "replication").contains("master_link_status:up"), 15_000, "replica sync");
            try (RedisServerProcess sentinel = RedisServerProcess.sentinel(
                    "amz", master.port(), Duration.ofMillis(1000), Duration.ofMillis(3000))) {
                awaitTrue(
                        () -> sentinel.cli("SENTINEL", "REPLICAS", "amz").contains(String.valueOf(replica.port())),
                        15_000,
                        "sentinel discovers the replica");

                String url = "redis-sentinel://127.0.0.1:" + sentinel.port() + "/amz";
                CacheConfig cfg = CacheConfig.builder()
                        .redisUrl(url)
                        .keyPrefix("amorsize-sentinel:")
                        .connectTimeout(Duration.ofMillis(300))
                        .socketTimeout(Duration.ofMillis(300))
                        .deadline(Duration.ofSeconds(1))
                        .poolMaxWait(Duration.ofMillis(200))
                        .breakerCooldown(Duration.ofMillis(300))
                        .build();
                try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
                    String key = "amorsize-sentinel:v1:f:n1:c";
                    store.put(Entries.k(key), Entries.sample(key));
                    assertTrue(store.get(Entries.k(key)).isPresent());
                    awaitTrue(() -> replica.cli("EXISTS", key).equals("1"), 10_000, "replicated");

                    master.kill9();
                    long t0 = System.nanoTime();
                    boolean readAgain = false;
                    int unavailable = 0;
                    while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(40)) {
                        try {
                            if (store.get(Entries.k(key)).isPresent()) {
                                readAgain = true;
                                break;
                            }
                            fail("entry lost in failover");
                        } catch (StoreUnavailableException e) {
                            unavailable++; // expected while the master is down; the fallback would serve these
                        }
                        Thread.sleep(100);
                    }
                    assertTrue(
                            readAgain,
                            "no read after failover; sentinel says "
                                    + sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "amz"));
                    assertTrue(
                            sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "amz")
                                    .contains(String.valueOf(replica.port())),
                            "the replica was promoted");
                    assertTrue(replica.cli("INFO", "replication").contains("role:master"));
                    String key2 = "amorsize-sentinel:v1:g:n1:c";
                    store.put(Entries.k(key2), Entries.sample(key2));
                    assertEquals("1", replica.cli("EXISTS", key2), "writes go to the new master");
                    System.out.println("sentinel failover: reads back after "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms, " + unavailable
                            + " unavailable calls");
                }
            }
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, long millis, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for: " + what);
    }
}
