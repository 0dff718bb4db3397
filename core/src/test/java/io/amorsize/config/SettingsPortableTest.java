package io.amorsize.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Settings#portable()}: what an engine task gets to rebuild the settings, and what it never gets. */
class SettingsPortableTest {

    @Test
    void valuesRoundTripWithoutSecretsOrStoreOptions() {
        Settings s = Settings.builder()
                .perCall(Map.of(
                        "measure.budget", "750ms",
                        "measure.spend-share", "0.1",
                        "sample.partitions", "7",
                        "cache.secret", "s3cr3t",
                        "redis.url", "redis://user:pw@10.0.0.1:6379"))
                .build();
        Map<String, String> p = s.portable();
        assertFalse(p.containsKey("cache.secret"), "no secret travels to an executor: " + p);
        assertFalse(p.containsKey("redis.url"), "tasks never connect to a store: " + p);
        assertFalse(p.toString().contains("s3cr3t") || p.toString().contains("pw@"), p.toString());
        Settings rebuilt = Settings.builder().perCall(p).build();
        assertEquals(Duration.ofMillis(750), rebuilt.get(Options.MEASURE_BUDGET));
        assertEquals(0.1, rebuilt.get(Options.MEASURE_SPEND_SHARE), 1e-12);
        assertEquals(7, rebuilt.get(Options.SAMPLE_PARTITIONS));
        assertEquals(Options.SAMPLE_BUDGET.defaultValue(), rebuilt.get(Options.SAMPLE_BUDGET), "unset stays default");
    }
}
