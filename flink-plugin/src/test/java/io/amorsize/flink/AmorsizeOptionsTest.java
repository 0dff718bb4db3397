package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AmorsizeOptionsTest {

    /** The file that documents the {@code amorsize.*} options (moved into README by the lead later). */
    static final Path OPTIONS_DOC = Path.of("..", "README.md");

    static final String BEGIN = "<!-- BEGIN amorsize.* options: generated from AmorsizeOptions.markdownTable() -->";
    static final String END = "<!-- END amorsize.* options -->";

    @Test
    void everyCoreOptionHasAFlinkOptionWithItsKeyDefaultAndDescription() {
        assertEquals(Options.ALL.size(), AmorsizeOptions.ALL.size());
        for (Option<?> o : Options.ALL) {
            ConfigOption<?> f = AmorsizeOptions.of(o);
            assertEquals("amorsize." + o.key(), f.key());
            assertTrue(
                    new org.apache.flink.configuration.description.HtmlFormatter()
                            .format(f.description())
                            .contains(o.description().substring(0, 20)),
                    f.key());
            if (o.defaultValue() == null) {
                assertFalse(f.hasDefaultValue(), f.key());
            } else {
                assertEquals(o.defaultValue().toString(), String.valueOf(f.defaultValue()), f.key());
            }
        }
        assertEquals("amorsize.strict", AmorsizeOptions.STRICT.key());
        assertEquals(Boolean.class, AmorsizeOptions.STRICT.defaultValue().getClass());
    }

    @Test
    void precedenceIsPerCallThenFlinkConfigurationThenEnvironmentThenDefault() {
        Configuration conf = new Configuration();
        conf.setString("amorsize.cache.prefix", "flink:");
        conf.set(AmorsizeOptions.STRICT, true);
        conf.setString("amorsize.sample.budget", "150ms");
        conf.setString("not.amorsize.key", "ignored");
        Map<String, String> env = Map.of("AMORSIZE_CACHE_PREFIX", "env:", "AMORSIZE_CACHE_TTL", "2h");
        Settings s = FlinkTuneOptions.builder().strict(false).build().applyTo(AmorsizeOptions.settings(conf, env));

        assertEquals("flink:", s.get(Options.CACHE_PREFIX));
        assertEquals(Settings.Origin.ENGINE, s.origin(Options.CACHE_PREFIX));
        assertEquals("Flink configuration", s.originLabel(Options.CACHE_PREFIX));
        assertEquals(Duration.ofHours(2), s.get(Options.CACHE_TTL));
        assertEquals(Settings.Origin.ENVIRONMENT, s.origin(Options.CACHE_TTL));
        assertEquals("environment", s.originLabel(Options.CACHE_TTL));
        assertFalse(s.get(Options.STRICT));
        assertEquals(Settings.Origin.PER_CALL, s.origin(Options.STRICT));
        assertEquals("per-call", s.originLabel(Options.STRICT));
        assertEquals(Duration.ofMillis(150), s.get(Options.SAMPLE_BUDGET));
        assertEquals(Duration.ofSeconds(2), s.get(Options.MEASURE_BUDGET));
        assertEquals(Settings.Origin.DEFAULT, s.origin(Options.MEASURE_BUDGET));
        assertEquals("default", s.originLabel(Options.MEASURE_BUDGET));
    }

    @Test
    void typedFlinkValuesReadBackWithCoreMeanings() {
        Configuration conf = new Configuration();
        conf.set(durationOption(Options.MEASURE_BUDGET), Duration.ofMillis(1500));
        conf.set(durationOption(Options.TASK_OVERHEAD), Duration.ofNanos(250_000)); // Flink writes "250 us"
        conf.set(AmorsizeOptions.CACHE_DIR, "/tmp/amorsize-flink");
        Settings s = AmorsizeOptions.settings(conf, Map.of());
        assertEquals(Duration.ofMillis(1500), s.get(Options.MEASURE_BUDGET));
        assertEquals(Duration.ofNanos(250_000), s.get(Options.TASK_OVERHEAD));
        assertEquals(Path.of("/tmp/amorsize-flink"), s.get(Options.CACHE_DIR));
    }

    @SuppressWarnings("unchecked")
    private static ConfigOption<Duration> durationOption(Option<Duration> o) {
        return (ConfigOption<Duration>) AmorsizeOptions.of(o);
    }

    @Test
    void typosAndBadValuesAreRejectedWithTheKeyAndSecretsAreNotEchoed() {
        Configuration typo = new Configuration();
        typo.setString("amorsize.redis.ulr", "redis://x");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AmorsizeOptions.settings(typo, Map.of()));
        assertTrue(e.getMessage().contains("amorsize.redis.ulr"), e.getMessage());

        Configuration bad = new Configuration();
        bad.setString("amorsize.cache.secret", "");
        IllegalArgumentException b =
                assertThrows(IllegalArgumentException.class, () -> AmorsizeOptions.settings(bad, Map.of()));
        assertTrue(b.getMessage().contains("amorsize.cache.secret"), b.getMessage());

        Configuration secret = new Configuration();
        secret.set(AmorsizeOptions.REDIS_URL, "redis://user:hunter2@cache:6379");
        Settings s = AmorsizeOptions.settings(secret, Map.of());
        assertFalse(s.toString().contains("hunter2"), s.toString());
        assertFalse(FlinkTuneOptions.builder()
                .set(Options.REDIS_URL, "redis://u:hunter2@h")
                .build()
                .toString()
                .contains("hunter2"));
    }

    @Test
    void docsTableMatchesTheOptions() throws Exception {
        String doc = Files.readString(OPTIONS_DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, OPTIONS_DOC + " must hold the markers " + BEGIN + " ... " + END);
        if (Boolean.getBoolean("amorsize.updateDocs")) { // mvn ... -Damorsize.updateDocs=true regenerates it
            doc = doc.substring(0, begin + BEGIN.length()) + "\n" + AmorsizeOptions.markdownTable()
                    + doc.substring(end);
            Files.writeString(OPTIONS_DOC, doc, StandardCharsets.UTF_8);
            begin = doc.indexOf(BEGIN);
            end = doc.indexOf(END);
        }
        String table = doc.substring(begin + BEGIN.length(), end).strip();
        String expected = AmorsizeOptions.markdownTable().strip();
        assertEquals(
                expected,
                table,
                OPTIONS_DOC + " is out of date; replace the table between the markers with:\n" + expected);
        assertFalse(table.contains(System.getProperty("user.home") + "/"), "no machine-specific home path in docs");
    }

    /** Flink hides sensitive keys in its "Loading configuration property" log line and REST/UI views. */
    @Test
    void flinkTreatsThePasswordAndSecretOptionsAsSensitive() {
        for (Option<?> o : Options.ALL) {
            String key = AmorsizeOptions.PREFIX + o.key();
            if (o == Options.REDIS_URL) {
                assertFalse(
                        org.apache.flink.configuration.GlobalConfiguration.isSensitive(key),
                        "the URL key is not sensitive to Flink: why a password belongs in amorsize.redis.password");
            } else {
                assertEquals(o.secret(), org.apache.flink.configuration.GlobalConfiguration.isSensitive(key), key);
            }
        }
        assertTrue(org.apache.flink.configuration.GlobalConfiguration.isSensitive("amorsize.redis.password"));
        Configuration conf = new Configuration();
        conf.setString("amorsize.redis.url", "redis://cache:6379");
        conf.setString("amorsize.redis.password", "pa/ss@word");
        Settings s = AmorsizeOptions.settings(conf, Map.of());
        assertEquals(
                "pa/ss@word",
                io.amorsize.cache.CacheConfig.fromSettings(s).redisUrl().password());
    }
}
