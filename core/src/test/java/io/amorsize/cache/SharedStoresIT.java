package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.config.Settings;
import io.amorsize.testing.RedisServerProcess;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The three-way choice of {@link SharedStores#forSettings} and the release of what it opened. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedStoresIT {

    @TempDir
    Path dir;

    @AfterEach
    void release() {
        SharedStores.closeApplication();
        SharedStores.disable();
    }

    private static Settings perCall(Map<String, String> options) {
        return Settings.builder().environment(Map.of()).perCall(options).build();
    }

    @Test
    void noCacheOptionUsesTheProcessWideStore() {
        RecommendationStore s = SharedStores.forSettings(
                Settings.builder().environment(Map.of()).build());
        assertSame(SharedStores.current(), s);
        assertTrue(SharedStores.isOpen());
        assertEquals("process-wide store", SharedStores.describe());
    }

    @Test
    void cacheOptionsWithoutRedisGiveAFileStoreOfTheirOwn() {
        Settings a = perCall(Map.of("cache.dir", dir.resolve("a").toString(), "cache.prefix", "team-a:"));
        RecommendationStore s = SharedStores.forSettings(a);
        FileStore f = assertInstanceOf(FileStore.class, s);
        assertEquals(dir.resolve("a").toAbsolutePath().normalize(), f.directory());
        assertEquals("team-a:", s.keyPrefix(), "the store renders with the options' prefix");
        assertNotSame(SharedStores.current(), s);
        assertSame(s, SharedStores.forSettings(a), "opened once for the same options");
        assertEquals("local file", SharedStores.describe());

        RecommendationStore other = SharedStores.forSettings(
                perCall(Map.of("cache.dir", dir.resolve("b").toString())));
        assertNotSame(s, other, "other options: another store");
        assertEquals("amorsize:", other.keyPrefix());

        SharedStores.closeApplication();
        assertFalse(SharedStores.isOpen());
        assertEquals("(none)", SharedStores.describe());
    }

    @Test
    void aRedisUrlConfiguresTheProcessWideStoreUntilTheApplicationCloses() {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            Settings s = perCall(
                    Map.of("redis.url", server.url(), "cache.dir", dir.toString(), "cache.prefix", "shared-x:"));
            RecommendationStore store = SharedStores.forSettings(s);
            assertSame(SharedStores.current(), store);
            assertInstanceOf(FallbackStore.class, store);
            assertEquals("shared-x:", store.keyPrefix());
            assertTrue(SharedStores.isRedisEnabled());
            assertEquals("Redis with local file fallback", SharedStores.describe());

            // Code reconfigures the process-wide store: the next call with these options applies them again.
            SharedStores.disable();
            assertFalse(SharedStores.isRedisEnabled());
            RecommendationStore again = SharedStores.forSettings(s);
            assertInstanceOf(FallbackStore.class, again);
            assertTrue(SharedStores.isRedisEnabled(), "engine cache options win over a configuration made in code");

            SharedStores.closeApplication();
            assertFalse(SharedStores.isRedisEnabled(), "released at the application's end");
            assertInstanceOf(FileStore.class, SharedStores.current());
        }
    }
}
