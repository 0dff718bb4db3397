package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Ticker;
import io.amorsize.key.CacheKey;
import io.amorsize.testing.RedisServerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 12, "Never lose to an older write": every put and every journal replay goes through one
 * compare-and-set script on a real redis-server. Newer createdAt wins, whoever writes last; an entry
 * more than a day ahead of the server's clock is refused and never blocks newer writes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisCompareAndSetIT {

    private static final String PREFIX = "amorsize-cas:";
    private static final long T0 = System.currentTimeMillis() - 3_600_000L;

    @TempDir
    Path dir;

    private RedisServerProcess server;
    private RedisStore store;
    private Jedis admin;

    @BeforeEach
    void start() {
        server = RedisServerProcess.start();
        admin = new Jedis("127.0.0.1", server.port());
        store = new RedisStore(config().build(), Entries.CODEC, Ticker.system());
    }

    @AfterEach
    void stop() {
        store.close();
        admin.close();
        server.close();
    }

    private CacheConfig.Builder config() {
        return CacheConfig.builder()
                .redisUrl(server.url())
                .keyPrefix(PREFIX)
                .deadline(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(2));
    }

    private long storedCreatedAt(CacheKey k) throws RejectedEntryException {
        byte[] raw = admin.get(store.render(k).getBytes(StandardCharsets.UTF_8));
        assertNotNull(raw, "an entry is stored");
        return Entries.CODEC.decode(store.render(k), raw).createdAtMillis();
    }

    /** Two child JVMs write the same key at once, the older one also last: the newer entry stays. */
    @Test
    void twoProcessesRacingNewerCreatedAtWins() throws Exception {
        CacheKey k = Entries.key("race:n1:c");
        long older = T0;
        long newer = T0 + 60_000;
        Process oldWriter = child(older, 300);
        Process newWriter = child(newer, 300);
        List<Process> both = List.of(oldWriter, newWriter);
        List<BufferedReader> outs = new ArrayList<>();
        try {
            for (Process p : both) {
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                outs.add(r);
                assertEquals("READY", r.readLine());
            }
            for (Process p : both) {
                OutputStream o = p.getOutputStream();
                o.write("GO\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
            }
            for (int i = 0; i < both.size(); i++) {
                assertEquals("DONE", outs.get(i).readLine());
                assertTrue(both.get(i).waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, both.get(i).exitValue());
            }
        } finally {
            both.forEach(Process::destroyForcibly);
        }
        assertEquals(newer, storedCreatedAt(k), "the newer entry survives the race");

        // the driver that measured earlier arrives late, in its own process: it still loses
        Process late = child(older, 1);
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(late.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("READY", r.readLine());
            late.getOutputStream().write("GO\n".getBytes(StandardCharsets.UTF_8));
            late.getOutputStream().flush();
            assertEquals("DONE", r.readLine());
            assertTrue(late.waitFor(30, TimeUnit.SECONDS));
        } finally {
            late.destroyForcibly();
        }
        assertEquals(newer, storedCreatedAt(k), "a late older write does not overwrite the newer entry");
        assertTrue(admin.pttl(store.render(k)) > 0, "the entry keeps its TTL");
    }

    private Process child(long createdAt, int rounds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CasRaceChild.class.getName(),
                        server.url(),
                        PREFIX,
                        Long.toString(createdAt),
                        Integer.toString(rounds))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** A journaled older write replayed after another driver wrote a newer entry leaves the newer one. */
    @Test
    void journalReplayNeverReplacesANewerEntry() throws Exception {
        CacheKey k = Entries.key("replay:n1:c");
        CacheKey fresh = Entries.key("fresh:n1:c");
        Journal journal = new Journal(dir, "cas-test", Entries.CODEC, Duration.ofDays(7), Clock.systemUTC());
        journal.append(store.render(k), Entries.sample(k, T0));
        journal.append(store.render(fresh), Entries.sample(fresh, T0));
        store.put(k, Entries.sample(k, T0 + 1000)); // another driver, later
        Journal.ReplayResult r = journal.replayTo(store);
        assertEquals(1, r.replayed());
        assertEquals(1, r.skippedOlder());
        assertEquals(T0 + 1000, storedCreatedAt(k));
        assertEquals(T0, storedCreatedAt(fresh));
        assertFalse(store.putIfNewer(k, Entries.sample(k, T0 + 1000)), "an equal entry is not replayed again");
        store.put(k, Entries.sample(k, T0 + 1000)); // a put of an equal entry is accepted (refreshes the TTL)
        assertEquals(T0 + 1000, storedCreatedAt(k));
    }

    /**
     * Replay is pipelined: 300 journaled entries reach Redis in a few read events of the server (one
     * per batch and socket buffer, not one per entry); a key of another type inside a batch, and a key
     * holding a newer entry, are that key's outcome only; the other 298 are written.
     */
    @Test
    void journalReplayIsPipelinedAndAPerKeyErrorInsideABatchSkipsOnlyThatKey() throws Exception {
        Journal journal = new Journal(dir, "cas-pipeline", Entries.CODEC, Duration.ofDays(7), Clock.systemUTC());
        List<CacheKey> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CacheKey k = Entries.key("pipe" + i + ":n1:c");
            keys.add(k);
            journal.append(store.render(k), Entries.sample(k, T0));
        }
        CacheKey wrongType = keys.get(70); // inside the second batch of 64
        admin.lpush(store.render(wrongType), "another application's list");
        CacheKey newer = keys.get(5);
        store.put(newer, Entries.sample(newer, T0 + 1000));
        long readsBefore = readsProcessed();
        Journal.ReplayResult r = journal.replayTo(store);
        long reads = readsProcessed() - readsBefore;
        assertEquals(298, r.replayed(), r.toString());
        assertEquals(1, r.skippedOlder(), r.toString());
        assertEquals(1, r.failed(), r.toString());
        assertEquals(1, r.remaining(), "the refused line stays in the journal: " + r);
        assertEquals("list", admin.type(store.render(wrongType)), "another application's value is untouched");
        assertEquals(T0 + 1000, storedCreatedAt(newer));
        for (CacheKey k : keys) {
            if (!k.equals(wrongType) && !k.equals(newer)) {
                assertEquals(T0, storedCreatedAt(k), k.toString());
            }
        }
        // One compare-and-set per round trip is at least one read event each: 300 (plus the merge's GET).
        assertTrue(reads < keys.size() / 2, "server read events during the replay: " + reads + " for 300 entries");
    }

    private long readsProcessed() {
        for (String line : admin.info("stats").split("\r?\n")) {
            if (line.startsWith("total_reads_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no total_reads_processed in INFO stats");
    }

    /** An entry more than a day ahead of the server clock is refused, and a stored one never wins. */
    @Test
    void anEntryMoreThanADayInTheFutureIsRefusedAndNeverBlocksNewerWrites() throws Exception {
        CacheKey k = Entries.key("future:n1:c");
        long twoDaysAhead = System.currentTimeMillis() + Duration.ofDays(2).toMillis();
        // a writer whose clock runs two days ahead: its own codec accepts the entry, the server does not
        EntryCodec skewed = new EntryCodec(null, Clock.offset(Clock.systemUTC(), Duration.ofDays(2)));
        try (RedisStore skewedStore = new RedisStore(config().build(), skewed, Ticker.system())) {
            CacheEntry ahead = Entries.sample(k, twoDaysAhead);
            StoreServerException e = assertThrows(StoreServerException.class, () -> skewedStore.put(k, ahead));
            assertTrue(e.getMessage().contains("more than a day ahead"), e.getMessage());
            assertFalse(admin.exists(store.render(k)), "nothing was written");
            // a value planted by an older version (blind SET) that is two days ahead does not protect itself
            store.putRaw(store.render(k), skewed.encode(store.render(k), ahead));
        }
        store.put(k, Entries.sample(k, T0));
        assertEquals(T0, storedCreatedAt(k), "a normal write replaces an entry from the far future");
        // within the tolerance (an hour ahead), the newer entry is protected as usual
        long hourAhead = System.currentTimeMillis() + 3_600_000L;
        store.put(k, Entries.sample(k, hourAhead));
        store.put(k, Entries.sample(k, T0));
        assertEquals(hourAhead, storedCreatedAt(k));
    }

    /** A value that is not an entry (garbage, another type) is replaced as before, never an error. */
    @Test
    void garbageIsReplacedAndAnotherTypeIsNeverOverwritten() throws Exception {
        CacheKey k = Entries.key("garbage:n1:c");
        admin.set(store.render(k), "{not json");
        store.put(k, Entries.sample(k, T0));
        assertEquals(T0, storedCreatedAt(k));
        admin.del(store.render(k));
        admin.lpush(store.render(k), "x");
        assertThrows(StoreServerException.class, () -> store.put(k, Entries.sample(k, T0)));
        assertEquals("list", admin.type(store.render(k)), "another application's value is untouched");
    }
}
