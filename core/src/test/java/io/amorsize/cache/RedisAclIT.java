package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 3, test 10: the cache works as the least-privilege ACL user documented in README.md and docs/CACHE.md. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisAclIT {

    /** The exact line from the docs, so the docs cannot drift from what is tested. */
    static String documentedAclLine() throws IOException {
        String cacheDoc = aclLineOf(Path.of("..", "docs", "CACHE.md"));
        assertEquals(
                cacheDoc,
                aclLineOf(Path.of("..", "README.md")),
                "README.md and docs/CACHE.md must show the same ACL line");
        return cacheDoc;
    }

    private static String aclLineOf(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc).stream()
                .filter(l -> l.startsWith("ACL SETUSER amorsize "))
                .toList();
        assertEquals(1, lines.size(), doc + " must hold exactly one 'ACL SETUSER amorsize' line");
        return lines.get(0).trim();
    }

    @Test
    void cacheWorksWithOnlyTheDocumentedPermissions() throws Exception {
        String acl = documentedAclLine();
        try (RedisServerProcess server = RedisServerProcess.start()) {
            assertEquals("OK", server.cli(acl.split(" +")));
            String url = "redis://amorsize:amorsize-password@127.0.0.1:" + server.port();
            CacheConfig cfg = CacheConfig.builder()
                    .redisUrl(url)
                    .deadline(Duration.ofSeconds(2))
                    .build();
            assertEquals("amorsize:", cfg.keyPrefix());
            try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
                assertTrue(store.ping());
                String key = "amorsize:v1:f:n10:c";
                store.put(Entries.k(key), Entries.sample(key));
                assertTrue(store.get(Entries.k(key)).isPresent());
                assertEquals(List.of(key), store.scan("v1:*"));
                Optional<ComputeLock> lock = store.tryLock(Entries.k(key), Duration.ofSeconds(5));
                assertTrue(lock.isPresent());
                assertTrue(store.tryLock(Entries.k(key), Duration.ofSeconds(5)).isEmpty());
                lock.get().close();
                assertEquals("0", server.cli("EXISTS", store.lockKey(key)), "compare-and-delete ran under the ACL");
                StoreStats stats = store.stats();
                assertTrue(stats.enabled());
                assertEquals(1, stats.keyCount());
                assertTrue(
                        stats.memoryUsedBytes() > 0 && !stats.serverVersion().isEmpty() && stats.uptimeSeconds() >= 0);
                assertTrue(store.delete(Entries.k(key)));
                store.put(Entries.k(key), Entries.sample(key));
                assertEquals(1, store.clear("*"));
                assertEquals("CLOSED", store.breakerState());

                // and it is least privilege: nothing else is allowed
                String asUser = "--user";
                for (List<String> denied : List.of(
                        List.of("FLUSHALL"),
                        List.of("KEYS", "*"),
                        List.of("CONFIG", "GET", "*"),
                        List.of("SET", "other:x", "1"),
                        List.of("CLIENT", "KILL", "TYPE", "normal"))) {
                    List<String> args =
                            new java.util.ArrayList<>(List.of(asUser, "amorsize", "--pass", "amorsize-password"));
                    args.addAll(denied);
                    String out = server.cli(args.toArray(new String[0]));
                    assertTrue(out.contains("NOPERM"), denied + " must be denied, got: " + out);
                }
            }
            // Outside its keys the server answers NOPERM: a server error, not "Redis is down".
            CacheConfig other =
                    CacheConfig.builder().redisUrl(url).keyPrefix("other:").build();
            try (RedisStore store = new RedisStore(other, Entries.CODEC, Ticker.system())) {
                String key = "other:v1:f:n10:c";
                StoreServerException e =
                        assertThrows(StoreServerException.class, () -> store.put(Entries.k(key), Entries.sample(key)));
                assertTrue(e.getMessage().contains("NOPERM"), e.getMessage());
                assertEquals("CLOSED", store.breakerState());
            }
        }
    }
}
