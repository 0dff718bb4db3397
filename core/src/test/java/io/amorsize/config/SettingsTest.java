package io.amorsize.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void precedenceIsPerCallThenEngineThenEnvironmentThenDefault() {
        Settings s = Settings.builder()
                .environment(Map.of(
                        "AMORSIZE_CACHE_PREFIX",
                        "env:",
                        "AMORSIZE_CACHE_TTL",
                        "3600",
                        "AMORSIZE_REDIS_URL",
                        "redis://env:6379"))
                .engine(
                        "SparkConf",
                        "spark.amorsize.",
                        Map.of(
                                "spark.amorsize.cache.prefix",
                                "conf:",
                                "spark.amorsize.strict",
                                "true",
                                "spark.other",
                                "ignored"))
                .perCall(Map.of("strict", "false"))
                .build();
        assertEquals("conf:", s.get(Options.CACHE_PREFIX));
        assertEquals(Settings.Origin.ENGINE, s.origin(Options.CACHE_PREFIX));
        assertEquals("SparkConf", s.originLabel(Options.CACHE_PREFIX));
        assertEquals(Duration.ofHours(1), s.get(Options.CACHE_TTL));
        assertEquals(Settings.Origin.ENVIRONMENT, s.origin(Options.CACHE_TTL));
        assertEquals("environment", s.originLabel(Options.CACHE_TTL));
        assertFalse(s.get(Options.STRICT));
        assertEquals(Settings.Origin.PER_CALL, s.origin(Options.STRICT));
        assertEquals("per-call", s.originLabel(Options.STRICT));
        assertEquals(Duration.ofMillis(300), s.get(Options.SAMPLE_BUDGET));
        assertEquals(Settings.Origin.DEFAULT, s.origin(Options.SAMPLE_BUDGET));
        assertEquals("default", s.originLabel(Options.SAMPLE_BUDGET));
    }

    @Test
    void badValuesNameTheKeyAndUnknownKeysAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Settings.builder()
                        .engine("SparkConf", "spark.amorsize.", Map.of("spark.amorsize.redis.pool-max-wait", "forever"))
                        .build());
        assertTrue(e.getMessage().contains("spark.amorsize.redis.pool-max-wait"), e.getMessage());
        IllegalArgumentException typo = assertThrows(
                IllegalArgumentException.class,
                () -> Settings.builder()
                        .engine("SparkConf", "spark.amorsize.", Map.of("spark.amorsize.redis.ulr", "x"))
                        .build());
        assertTrue(typo.getMessage().contains("spark.amorsize.redis.ulr"), typo.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.builder()
                        .perCall(Map.of("sample.max-records", "2"))
                        .build());
    }

    @Test
    void secretsNeverShowInMessagesOrToString() {
        Settings s = Settings.builder()
                .perCall(Map.of("redis.url", "redis://u:hunter2@h:1", "cache.secret", "s3cr3t"))
                .build();
        assertFalse(s.toString().contains("hunter2"), s.toString());
        assertFalse(s.toString().contains("s3cr3t"), s.toString());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Options.SAMPLE_MAX_RECORDS.parse("x", "k"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        Option<String> secretInt = new Option<>("s", String.class, null, "d", null, true, t -> {
            throw new IllegalArgumentException("bad");
        });
        IllegalArgumentException hidden =
                assertThrows(IllegalArgumentException.class, () -> secretInt.parse("hunter2", "amorsize.s"));
        assertFalse(hidden.getMessage().contains("hunter2"), hidden.getMessage());
    }

    @Test
    void durationsAcceptUnitsIsoAndPlainSeconds() {
        assertEquals(Duration.ofMillis(250), Options.parseDuration("250ms"));
        assertEquals(Duration.ofSeconds(30), Options.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(5), Options.parseDuration("5m"));
        assertEquals(Duration.ofDays(7), Options.parseDuration("7d"));
        assertEquals(Duration.ofSeconds(5), Options.parseDuration("PT5S"));
        assertEquals(Duration.ofSeconds(604800), Options.parseDuration("604800"));
        assertThrows(IllegalArgumentException.class, () -> Options.parseDuration("-5s"));
        assertThrows(IllegalArgumentException.class, () -> Options.parseDuration("5 parsecs"));
    }
}
