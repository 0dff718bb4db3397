package io.amorsize.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.key.FunctionFingerprint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TuneOptionsTest {

    @Test
    void perCallValuesWinWithTheirOriginAndRoundTripAsText() {
        TuneOptions o = TuneOptions.builder()
                .strict(true)
                .sampleBudget(Duration.ofNanos(1_500_000))
                .sampleMaxRecords(50)
                .set(Options.SPEEDUP_THRESHOLD, 1.5)
                .build();
        Settings base = Settings.builder()
                .engine("SparkConf", "spark.amorsize.", Map.of("spark.amorsize.strict", "false"))
                .build();
        Settings s = o.applyTo(base);
        assertTrue(s.get(Options.STRICT));
        assertEquals(Settings.Origin.PER_CALL, s.origin(Options.STRICT));
        assertEquals(Duration.ofNanos(1_500_000), s.get(Options.SAMPLE_BUDGET));
        assertEquals(Boolean.TRUE, o.strict());
        // the text form resolves to the same values
        Settings viaText = Settings.builder().perCall(o.perCallOverrides()).build();
        for (Option<?> opt : o.overrides().keySet()) {
            assertEquals(s.get(opt), viaText.get(opt), opt.key());
        }
        assertNull(TuneOptions.defaults().strict());
        assertTrue(TuneOptions.defaults().overrides().isEmpty());
    }

    @Test
    void theFunctionIdentityIsTheExplicitIdOrTheFingerprint() {
        Runnable fn = () -> {};
        assertEquals(FunctionFingerprint.of(fn), TuneOptions.defaults().fingerprint(fn));
        TuneOptions id = TuneOptions.builder().function("enrich", "3").build();
        assertEquals(FunctionFingerprint.of("enrich", "3"), id.fingerprint(fn));
        assertEquals("enrich", id.functionId());
        assertEquals("3", id.functionVersion());
    }

    @Test
    void everyBadArgumentIsAnIllegalArgumentExceptionNamingIt() {
        TuneOptions.Builder b = TuneOptions.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.function(" ", "1"))
                .getMessage()
                .startsWith("id "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.function(null, "1"))
                .getMessage()
                .startsWith("id "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.function("x", null))
                .getMessage()
                .startsWith("version "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.sampleBudget(Duration.ZERO))
                .getMessage()
                .startsWith("budget "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.measureBudget(null))
                .getMessage()
                .startsWith("budget "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.sampleMaxRecords(2))
                .getMessage()
                .contains("sampleMaxRecords"));
        assertThrows(IllegalArgumentException.class, () -> b.set(null, 1));
        assertThrows(IllegalArgumentException.class, () -> b.set(Options.STRICT, null));
        // the option's own bounds, as for its text in a configuration
        IllegalArgumentException bound =
                assertThrows(IllegalArgumentException.class, () -> b.set(Options.SAMPLE_PARTITIONS, 0));
        assertTrue(bound.getMessage().contains("sample.partitions"), bound.getMessage());
        Option<Integer> foreign =
                new Option<>("sample.partitions", Integer.class, 4, "a look-alike", null, false, Integer::valueOf);
        assertThrows(IllegalArgumentException.class, () -> b.set(foreign, 4));
        // a secret is never shown
        TuneOptions secret =
                TuneOptions.builder().set(Options.CACHE_SECRET, "hunter2").build();
        assertFalse(secret.toString().contains("hunter2"), secret.toString());
    }
}
