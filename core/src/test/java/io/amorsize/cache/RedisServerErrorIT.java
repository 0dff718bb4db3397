package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Source;
import io.amorsize.key.CacheKey;
import io.amorsize.testing.LogCapture;
import io.amorsize.testing.RedisServerProcess;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 12, "Server errors that are not 'unavailable'": a real redis-server driven into OOM
 * (maxmemory + noeviction), READONLY and MASTERDOWN (a replica of a dead port) and BUSY (a long EVAL).
 * Each is treated as an outage: the breaker trips, the write is journaled and kept in the file,
 * reads are answered from the file, and after recovery the entry written during the error is in Redis.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisServerErrorIT {

    private static final String PREFIX = "amorsize-srverr:";
    private static final Duration COOLDOWN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private RedisServerProcess server;
    private Jedis admin;
    private RedisStore redis;
    private FallbackStore store;

    @BeforeEach
    void start() {
        server = RedisServerProcess.start();
        admin = new Jedis("127.0.0.1", server.port());
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(server.url())
                .keyPrefix(PREFIX)
                .connectTimeout(Duration.ofMillis(500))
                .socketTimeout(Duration.ofMillis(2000))
                .deadline(Duration.ofSeconds(3))
                .poolMaxWait(Duration.ofMillis(500))
                .breakerCooldown(COOLDOWN)
                .fallbackDir(dir)
                .build();
        redis = new RedisStore(cfg, Entries.CODEC, now::get);
        store = new FallbackStore(redis, new FileStore(dir, PREFIX, cfg.ttl(), Entries.CODEC));
    }

    @AfterEach
    void stop() {
        store.close();
        admin.close();
        server.close();
    }

    private static CacheKey key(String name) {
        return Entries.key(name + ":n1:c");
    }

    private byte[] rawInRedis(CacheKey k) {
        return admin.get(store.render(k).getBytes(StandardCharsets.UTF_8));
    }

    /** Lets the breaker's cool-down pass (injected time: no waiting). */
    private void coolDownPasses() {
        now.addAndGet(COOLDOWN.toNanos() + 1);
    }

    /**
     * The write made during the error went to the journal and the file, a read of it is answered by
     * the file, the breaker is open; once the server recovers, the next call replays it into Redis.
     */
    private void assertOutageThenRecovery(CacheKey during, Runnable recover) throws RejectedEntryException {
        CacheKey before = key("before");
        CacheEntry entry = Entries.sample(during, 1_700_000_000_123L);
        try (LogCapture logs = LogCapture.start("io.amorsize.cache")) {
            store.put(during, entry); // must not throw
            assertEquals("OPEN", redis.breakerState(), "the server error trips the breaker");
            assertTrue(store.primaryUnavailable());
            assertTrue(store.journal().pending().containsKey(store.render(during)), "the write is journaled");
            Optional<CacheHit> hit = store.get(during);
            assertTrue(hit.isPresent(), "the read is answered by the local file");
            assertEquals(Source.CACHE_FILE, hit.get().source());
            assertEquals(entry, hit.get().entry());
            assertTrue(store.get(before).isPresent(), "an entry written before the error is read from the file");
            assertTrue(logs.at(Level.WARN).stream().anyMatch(l -> l.message().contains("unavailable")), logs.text());
        }
        recover.run();
        coolDownPasses();
        assertTrue(store.get(before).isPresent(), "Redis answers again");
        assertEquals("CLOSED", redis.breakerState());
        store.flushFileCopies(); // the replay runs on the background thread: wait for it
        byte[] raw = rawInRedis(during);
        assertNotNull(raw, "after recovery the entry written during the error is in Redis");
        assertEquals(entry, Entries.CODEC.decode(store.render(during), raw));
        assertTrue(store.journal().pending().isEmpty(), "the journal is drained");
    }

    @Test
    void outOfMemoryUnderNoevictionIsAnOutage() throws Exception {
        store.put(key("before"), Entries.sample(key("before")));
        admin.configSet("maxmemory-policy", "noeviction");
        admin.configSet("maxmemory", "1");
        JedisDataException oom = null;
        try {
            admin.set("amorsize-srverr:probe", "x");
        } catch (JedisDataException e) {
            oom = e;
        }
        assertNotNull(oom, "the server refuses writes");
        assertTrue(oom.getMessage().startsWith("OOM"), oom.getMessage());
        assertOutageThenRecovery(key("during-oom"), () -> admin.configSet("maxmemory", "0"));
    }

    /**
     * A pipelined journal replay (100 lines, two batches) into a server that refuses writes (OOM) is
     * an outage, not 100 per-key refusals: it stops, trips the breaker, keeps every line, and the
     * next replay after recovery writes them all.
     */
    @Test
    void aPipelinedReplayIntoAnOutOfMemoryServerStopsAndKeepsEveryLine(@TempDir Path journalDir) {
        Journal journal = new Journal(
                journalDir, "srverr-pipeline", Entries.CODEC, Duration.ofDays(7), java.time.Clock.systemUTC());
        for (int i = 0; i < 100; i++) {
            CacheKey k = key("replay" + i);
            journal.append(redis.render(k), Entries.sample(k));
        }
        admin.configSet("maxmemory-policy", "noeviction");
        admin.configSet("maxmemory", "1");
        Journal.ReplayResult r = journal.replayTo(redis);
        assertTrue(r.stopped(), r.toString());
        assertEquals(0, r.replayed(), r.toString());
        assertEquals(0, r.failed(), "an OOM is not a per-key refusal: " + r);
        assertEquals(100, r.remaining(), r.toString());
        assertEquals("OPEN", redis.breakerState());
        admin.configSet("maxmemory", "0");
        coolDownPasses();
        Journal.ReplayResult after = journal.replayTo(redis);
        assertTrue(after.complete(), after.toString());
        assertEquals(100, after.replayed(), after.toString());
        assertNotNull(rawInRedis(key("replay99")));
    }

    @Test
    void readOnlyReplicaIsAnOutage() throws Exception {
        store.put(key("before"), Entries.sample(key("before")));
        try (ServerSocket dead = new ServerSocket(0)) {
            int deadPort = dead.getLocalPort();
            dead.close(); // nothing listens there any more
            admin.replicaof("127.0.0.1", deadPort);
        }
        assertOutageThenRecovery(key("during-readonly"), admin::replicaofNoOne);
    }

    @Test
    void replicaCutOffFromItsMasterIsAnOutageForReads() throws Exception {
        CacheKey k = key("stale");
        CacheEntry entry = Entries.sample(k);
        store.put(k, entry);
        store.flushFileCopies();
        admin.configSet("replica-serve-stale-data", "no");
        try (ServerSocket dead = new ServerSocket(0)) {
            int deadPort = dead.getLocalPort();
            dead.close();
            admin.replicaof("127.0.0.1", deadPort);
        }
        Optional<CacheHit> hit = store.get(k);
        assertTrue(hit.isPresent(), "MASTERDOWN: the read is answered by the file");
        assertEquals(Source.CACHE_FILE, hit.get().source());
        assertEquals("OPEN", redis.breakerState());
        admin.replicaofNoOne();
        coolDownPasses();
        assertEquals(Source.CACHE_REDIS, store.get(k).orElseThrow().source());
    }

    @Test
    void busyScriptIsAnOutage() throws Exception {
        store.put(key("before"), Entries.sample(key("before")));
        admin.configSet("lua-time-limit", "50");
        CompletableFuture<Object> busy = CompletableFuture.supplyAsync(() -> {
            try (Jedis hog = new Jedis("127.0.0.1", server.port(), 30_000)) {
                return hog.eval("local i = 0 while true do i = i + 1 end", 0);
            } catch (RuntimeException e) {
                return e;
            }
        });
        try (Jedis probe = new Jedis("127.0.0.1", server.port())) {
            waitUntilBusy(probe);
        }
        assertOutageThenRecovery(key("during-busy"), () -> {
            admin.scriptKill();
            assertInstanceOf(JedisDataException.class, busy.join(), "the hogging script was killed");
        });
    }

    /** Polls the server (the event we wait for is its BUSY reply) until the script is past the threshold. */
    private static void waitUntilBusy(Jedis probe) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                probe.ping();
            } catch (JedisDataException e) {
                if (e.getMessage().startsWith("BUSY")) {
                    return;
                }
                throw e;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the server never became BUSY");
    }

    @Test
    void everyUnavailableReplyIsClassifiedAsUnavailableAndOthersAsServerErrors() {
        RedisCalls calls = new RedisCalls(
                CacheConfig.builder().redisUrl(server.url()).keyPrefix(PREFIX).build(), now::get);
        try {
            for (String reply : List.of(
                    "OOM command not allowed when used memory > 'maxmemory'.",
                    "READONLY You can't write against a read only replica.",
                    "LOADING Redis is loading the dataset in memory",
                    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                    "TRYAGAIN Multiple keys request during rehashing of slot",
                    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
                    "CLUSTERDOWN The cluster is down")) {
                assertInstanceOf(
                        StoreUnavailableException.class, calls.classify("SET", new JedisDataException(reply)), reply);
            }
            for (String reply : List.of(
                    "WRONGTYPE Operation against a key holding the wrong kind of value",
                    "ERR unknown command",
                    "OOMPH not a code",
                    "NOSCRIPT No matching script")) {
                assertInstanceOf(
                        StoreServerException.class, calls.classify("SET", new JedisDataException(reply)), reply);
            }
            assertFalse(RedisCalls.isServerUnavailable(null));
        } finally {
            calls.close();
        }
    }
}
