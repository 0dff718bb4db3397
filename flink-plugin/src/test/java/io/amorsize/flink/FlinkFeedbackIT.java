package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FileStore;
import io.amorsize.model.Observation;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A job Amorsize shaped on Flink is observed, and the next decision for the same function uses it. */
@ExtendWith(FlinkCluster.class)
@Timeout(180)
class FlinkFeedbackIT {

    /** Slots given, so no REST look-up of the cluster (slow on a loaded machine) is needed. */
    static final FlinkTuneOptions OPTIONS = FlinkTuneOptions.builder()
            .measureBudget(Duration.ofMillis(600))
            .slots(2)
            .build();

    @TempDir
    java.nio.file.Path tmp;

    private StreamExecutionEnvironment env(String prefix, boolean feedback) {
        Configuration conf = new Configuration();
        conf.set(AmorsizeOptions.CACHE_DIR, tmp.toString());
        conf.setString("amorsize.cache.prefix", prefix);
        conf.setString("amorsize.feedback.enabled", Boolean.toString(feedback));
        return FlinkCluster.env(1, conf);
    }

    private List<Observation> history(String prefix) {
        FileStore file = new FileStore(tmp, prefix, Duration.ofDays(7), EntryCodec.withSecret(null));
        List<String> keys = file.scan("*");
        assertEquals(1, keys.size(), keys.toString());
        CacheEntry e = file.get(file.keyOf(keys.get(0))).orElseThrow().entry();
        return e.history();
    }

    private static void runJob(StreamExecutionEnvironment env, Recommendation rec) throws Exception {
        AmorsizeFlink.mapBatches(env.fromSequence(1, 5_000), new AmorsizeFlinkIT.Lookup(), rec, Types.LONG)
                .sinkTo(new DiscardingSink<>());
        env.execute("feedback");
    }

    @Test
    void theJobsRecordsAndCostAreObservedAndTheNextTuneIsCorrectedByThem() throws Exception {
        String prefix = "flink-feedback-" + System.nanoTime() + ":";
        StreamExecutionEnvironment env = env(prefix, true);
        Recommendation cold = AmorsizeFlink.tuneBatches(
                env, AmorsizeFlinkIT.sample(400), new AmorsizeFlinkIT.Lookup(), 20_000, OPTIONS);
        assertEquals(Source.COMPUTED, cold.source(), cold.explain());
        runJob(env, cold);
        List<Observation> h = history(prefix);
        assertEquals(1, h.size(), "the JobListener stored the run");
        assertEquals(5_000, h.get(0).records(), "the operator's true record count, not the caller's 20,000");
        assertTrue(h.get(0).costKnown(), h.get(0).toString());
        assertEquals(cold.parallelism(), h.get(0).partitions());

        StreamExecutionEnvironment next = env(prefix, true);
        Recommendation hit = AmorsizeFlink.tuneBatches(
                next, AmorsizeFlinkIT.sample(400), new AmorsizeFlinkIT.Lookup(), 20_000, OPTIONS);
        assertTrue(hit.cacheHit(), hit.explain());
        assertTrue(
                hit.explain().contains("observed: 1 run; ") && hit.explain().contains("records 5,000 (observed)"),
                hit.explain());
    }

    @Test
    void feedbackOffObservesNothing() throws Exception {
        String prefix = "flink-feedback-off-" + System.nanoTime() + ":";
        StreamExecutionEnvironment env = env(prefix, false);
        Recommendation rec = AmorsizeFlink.tuneBatches(
                env, AmorsizeFlinkIT.sample(400), new AmorsizeFlinkIT.Lookup(), 20_000, OPTIONS);
        runJob(env, rec);
        assertEquals(List.of(), history(prefix));
    }
}
