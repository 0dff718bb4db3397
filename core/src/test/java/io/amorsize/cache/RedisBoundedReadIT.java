package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Issue 12, "Bounded reads": a 100 MB value under our key is never read into the driver. A child JVM
 * with {@code -Xmx256m} reads it from several threads at once: every read is a miss, one WARN names
 * the key, all within the deadline, no OutOfMemoryError (a plain GET makes each thread allocate 100 MB).
 * And whatever a breaker's half-open probe throws, an {@link Error} included, resolves the probe.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisBoundedReadIT {

    private static final String PREFIX = "amorsize-huge:";
    private static final int THREADS = 4;
    private static final long DEADLINE_MILLIS = 5000;

    private RedisServerProcess server;

    @BeforeEach
    void start() {
        server = RedisServerProcess.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aHundredMegabyteValueIsAMissWithOneWarnAndNoOutOfMemory() throws Exception {
        try (Jedis admin = new Jedis("127.0.0.1", server.port(), 30_000)) {
            // SETRANGE pads with zero bytes: a 104,857,600-byte value made by the server itself
            admin.setrange(PREFIX + "v1:huge:n1:c", 104_857_599L, "x");
            assertEquals(104_857_600L, admin.strlen(PREFIX + "v1:huge:n1:c"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        BoundedReadChild.class.getName(),
                        server.url(),
                        PREFIX,
                        Integer.toString(THREADS),
                        Long.toString(DEADLINE_MILLIS))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("RESULT misses=(\\d+) errors=(\\d+) oom=(\\w+) warns=(\\d+) slowestMillis=(\\d+)")
                .matcher(out);
        assertTrue(m.find(), out);
        assertEquals("false", m.group(3), "no OutOfMemoryError: " + out);
        assertEquals(0, Integer.parseInt(m.group(2)), "no reader failed: " + out);
        assertEquals(THREADS, Integer.parseInt(m.group(1)), "every read is a miss: " + out);
        assertEquals(1, Integer.parseInt(m.group(4)), "one WARN: " + out);
        assertTrue(
                out.contains("104857600 bytes") && out.contains(PREFIX + "v1:huge:n1:c"),
                "the WARN names the key and size: " + out);
        assertTrue(Long.parseLong(m.group(5)) < DEADLINE_MILLIS, "within the deadline: " + out);
    }

    @Test
    void anErrorOnTheHalfOpenProbeResolvesTheProbe() {
        AtomicLong now = new AtomicLong();
        Duration cooldown = Duration.ofSeconds(30);
        // one pooled connection: once it is open, calls run on the caller's thread
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(server.url())
                .keyPrefix(PREFIX)
                .maxConnections(1)
                .breakerCooldown(cooldown)
                .build();
        try (RedisStore store = new RedisStore(cfg, Entries.CODEC, now::get)) {
            assertTrue(store.ping());
            assertThrows(
                    StoreUnavailableException.class,
                    () -> store.call("GET", c -> {
                        throw new JedisConnectionException("connection refused");
                    }));
            assertEquals("OPEN", store.breakerState());
            now.addAndGet(cooldown.toNanos() + 1);
            assertThrows(
                    OutOfMemoryError.class,
                    () -> store.call("GET", c -> {
                        throw new OutOfMemoryError("Java heap space (test)");
                    }));
            assertEquals(
                    "OPEN", store.breakerState(), "the failed probe opened the breaker again, not stuck HALF_OPEN");
            now.addAndGet(cooldown.toNanos() + 1);
            assertThrows(
                    StoreUnavailableException.class,
                    () -> store.call("GET", c -> {
                        throw new NoClassDefFoundError("some/Missing");
                    }),
                    "an Error that is not the VM's is reported as unavailable");
            assertEquals("OPEN", store.breakerState());
            now.addAndGet(cooldown.toNanos() + 1);
            assertTrue(store.ping(), "the next probe after the cool-down reaches Redis");
            assertEquals("CLOSED", store.breakerState());
        }
    }
}
