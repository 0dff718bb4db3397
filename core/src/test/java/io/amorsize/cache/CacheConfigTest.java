package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CacheConfigTest {

    @Test
    void defaults() {
        CacheConfig c = CacheConfig.builder().build();
        assertNull(c.redisUrl());
        assertEquals("amorsize:", c.keyPrefix());
        assertEquals(Duration.ofDays(7), c.ttl());
        assertTrue(c.poolMaxWait().compareTo(c.deadline()) < 0);
        assertEquals(Duration.ofSeconds(30), c.breakerCooldown());
    }

    /** Issue 12: cache.require-signature needs the secret; refused up front without it, never silently ignored. */
    @Test
    void requireSignatureNeedsTheSecret() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.fromSettings(Settings.builder()
                        .environment(Map.of("AMORSIZE_CACHE_REQUIRE_SIGNATURE", "true"))
                        .build()));
        assertTrue(
                e.getMessage().contains("cache.require-signature")
                        && e.getMessage().contains("cache.secret"),
                e.getMessage());
        CacheConfig c = CacheConfig.fromSettings(Settings.builder()
                .environment(Map.of("AMORSIZE_CACHE_REQUIRE_SIGNATURE", "true", "AMORSIZE_CACHE_SECRET", "hmackey"))
                .build());
        assertTrue(c.requireSignature());
        assertTrue(c.toBuilder().build().requireSignature());
        assertFalse(CacheConfig.builder().build().requireSignature(), "off by default");
        assertFalse(c.toString().contains("hmackey"));
    }

    @Test
    void fromSettingsReadsEnvironmentVariables() {
        Settings s = Settings.builder()
                .environment(Map.of(
                        "AMORSIZE_REDIS_URL", "redis://u:topsecret@h:6390/1",
                        "AMORSIZE_CACHE_PREFIX", "team:",
                        "AMORSIZE_CACHE_TTL", "2h",
                        "AMORSIZE_CACHE_DIR", "/tmp/amz",
                        "AMORSIZE_CACHE_SECRET", "hmackey"))
                .build();
        CacheConfig c = CacheConfig.fromSettings(s);
        assertEquals("h", c.redisUrl().endpoints().get(0).host());
        assertEquals("team:", c.keyPrefix());
        assertEquals(Duration.ofHours(2), c.ttl());
        assertEquals(Path.of("/tmp/amz"), c.fallbackDir());
        assertEquals("hmackey", c.hmacSecret());
        String shown = c.toString();
        assertFalse(shown.contains("topsecret"), shown);
        assertFalse(shown.contains("hmackey"), shown);
        assertTrue(shown.contains("redis://u:****@h:6390/1"), shown);
    }

    @Test
    void conflictsAreNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder()
                        .poolMaxWait(Duration.ofSeconds(2))
                        .deadline(Duration.ofSeconds(1))
                        .build());
        assertTrue(e.getMessage().contains("poolMaxWait") && e.getMessage().contains("deadline"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder()
                        .redisUrl("redis://:pw@h")
                        .tlsCaFile(Path.of("/ca.pem"))
                        .build());
        assertTrue(e.getMessage().contains("tlsCaFile") && e.getMessage().contains("rediss://"), e.getMessage());
        assertFalse(e.getMessage().contains("pw@"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder().poolMaxWait(Duration.ZERO).build());
        assertTrue(e.getMessage().contains("poolMaxWait"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder().keyPrefix("a*").build());
        assertTrue(e.getMessage().contains("keyPrefix"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder().maxConnections(0).build());
        assertTrue(e.getMessage().contains("maxConnections"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder().clientName("a b").build());
        assertTrue(e.getMessage().contains("clientName"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder().hmacSecret("").build());
        assertTrue(e.getMessage().contains("hmacSecret"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.builder().redisUrl("redis://h:0").build());
    }

    @Test
    void passwordAndUsernameOptionsWinOverTheUrlsAndAreNeverShown() {
        Settings s = Settings.builder()
                .environment(Map.of("AMORSIZE_REDIS_PASSWORD", "env-pass/with@chars"))
                .engine(
                        "SparkConf",
                        "spark.amorsize.",
                        Map.of(
                                "spark.amorsize.redis.url",
                                "rediss://h:6380/2",
                                "spark.amorsize.redis.username",
                                "amorsize"))
                .build();
        CacheConfig c = CacheConfig.fromSettings(s);
        assertEquals("amorsize", c.redisUrl().user());
        assertEquals("env-pass/with@chars", c.redisUrl().password());
        assertEquals(2, c.redisUrl().database());
        assertTrue(c.redisUrl().tls());
        assertFalse(c.toString().contains("env-pass"), c.toString());
        assertFalse(s.toString().contains("env-pass"), s.toString());

        CacheConfig overridden = CacheConfig.fromSettings(Settings.builder()
                .engine(
                        "SparkConf",
                        "spark.amorsize.",
                        Map.of(
                                "spark.amorsize.redis.url",
                                "redis://u:in-url@h",
                                "spark.amorsize.redis.password",
                                "option"))
                .build());
        assertEquals("option", overridden.redisUrl().password(), "the option wins over the URL's password");
        assertEquals("u", overridden.redisUrl().user(), "the URL's user is kept");

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CacheConfig.fromSettings(Settings.builder()
                        .engine(
                                "SparkConf",
                                "spark.amorsize.",
                                Map.of(
                                        "spark.amorsize.redis.url",
                                        "redis://h",
                                        "spark.amorsize.redis.username",
                                        "amorsize"))
                        .build()));
        assertTrue(e.getMessage().contains("redis.password"), e.getMessage());
    }

    @Test
    void aPasswordInAnEnginesUrlWarnsOnceAndNeverShowsThePassword() {
        CacheConfig.resetUrlPasswordWarning();
        try (io.amorsize.testing.LogCapture logs = io.amorsize.testing.LogCapture.start("io.amorsize")) {
            CacheConfig.fromSettings(Settings.builder()
                    .environment(Map.of("AMORSIZE_REDIS_URL", "redis://:envpw@h"))
                    .build());
            assertTrue(
                    logs.at(org.apache.logging.log4j.Level.WARN).isEmpty(),
                    "the environment is not shown by the engines: " + logs.lines());
            CacheConfig.fromSettings(Settings.builder()
                    .engine("Flink configuration", "amorsize.", Map.of("amorsize.redis.password", "pw"))
                    .build());
            assertTrue(logs.at(org.apache.logging.log4j.Level.WARN).isEmpty(), "no URL, nothing to warn about");
            for (int i = 0; i < 3; i++) {
                CacheConfig.fromSettings(Settings.builder()
                        .engine("SparkConf", "spark.amorsize.", Map.of("spark.amorsize.redis.url", "redis://u:pa/ss@h"))
                        .build());
            }
            var warns = logs.at(org.apache.logging.log4j.Level.WARN);
            assertEquals(1, warns.size(), logs.lines().toString());
            assertTrue(
                    warns.get(0).message().contains("spark.amorsize.redis.password"),
                    warns.get(0).message());
            assertTrue(
                    warns.get(0).message().contains("SparkConf"), warns.get(0).message());
            assertFalse(logs.text().contains("pa/ss"), logs.text());
        }
    }
}
