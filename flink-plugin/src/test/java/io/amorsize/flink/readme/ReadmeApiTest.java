package io.amorsize.flink.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.BatchFunction;
import io.amorsize.Recommendation;
import io.amorsize.flink.AmorsizeFlink;
import io.amorsize.flink.FlinkTuneOptions;
import io.amorsize.tune.TuningMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls, from outside the plugin's package, every public method the examples in README.md and
 * docs/FLINK.md call (and the names shared with AmorsizeSpark), with the argument and result types
 * they use: a changed signature fails the build here.
 */
@Timeout(120)
class ReadmeApiTest {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void theDocumentedCallsCompileAndWork() throws Exception {
        Configuration conf = new Configuration();
        conf.setString("amorsize.cache.dir", tmp.resolve("cache").toString());
        conf.setString(
                "amorsize.cache.prefix", "readme-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":");
        conf.setString("amorsize.measure.budget", "300ms");
        conf.setString("amorsize.measure.warmup-budget", "100ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        List<String> sampleLines =
                IntStream.range(0, 300).mapToObj(i -> "line-" + i).collect(Collectors.toList());
        long expectedRecords = 100_000;
        MapFunction<String, Integer> score = String::length;
        TuningMetrics metrics = AmorsizeFlink.metrics();
        long before = metrics.decisions();

        // README / FLINK.md: tune(env, sample, fn, expectedRecords), then setParallelism
        Recommendation rec = AmorsizeFlink.tune(env, sampleLines, score, expectedRecords);
        assertTrue(rec.parallelism() >= 1);
        // tune(env, path, fn)
        java.nio.file.Path file = tmp.resolve("events.txt");
        Files.write(file, sampleLines, StandardCharsets.UTF_8);
        Recommendation fromFile = AmorsizeFlink.tune(env, new Path(file.toUri()), score);
        assertTrue(fromFile.parallelism() >= 1);
        // tuneBatches(env, sample, batchFn, expectedRecords) and mapBatches(stream, fn, rec).returns(...)
        BatchFunction<String, Integer> lookup = batch -> {
            List<Integer> out = new ArrayList<>(batch.size());
            batch.forEach(s -> out.add(s.length()));
            return out;
        };
        Recommendation b = AmorsizeFlink.tuneBatches(env, sampleLines, lookup, expectedRecords);
        DataStream<String> stream = env.fromData(sampleLines);
        SingleOutputStreamOperator<Integer> batched =
                AmorsizeFlink.mapBatches(stream, lookup, b).returns(Integer.class);
        assertEquals(b.parallelism(), batched.getParallelism());
        // the names AmorsizeSpark uses: recommend, recommendBatches, apply
        Recommendation same = AmorsizeFlink.recommend(env, sampleLines, score, expectedRecords);
        assertEquals(rec.parallelism(), same.parallelism(), "the same decision, from the cache");
        Recommendation sameFile = AmorsizeFlink.recommend(env, new Path(file.toUri()), score);
        assertEquals(fromFile.parallelism(), sameFile.parallelism());
        Recommendation sameBatches = AmorsizeFlink.recommendBatches(env, sampleLines, lookup, expectedRecords);
        assertEquals(b.batchSize(), sameBatches.batchSize());
        SingleOutputStreamOperator<Integer> mapped =
                AmorsizeFlink.apply(env.fromData(sampleLines).map(score), rec);
        assertEquals(rec.parallelism(), mapped.getParallelism());
        List<Integer> out = new ArrayList<>();
        try (CloseableIterator<Integer> it = mapped.returns(Types.INT).executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertEquals(sampleLines.size(), out.size());
        assertEquals(6, metrics.decisions() - before, "every decision counted");
        assertTrue(metrics.hits() >= 3, metrics.toString());
        // FLINK.md: the counts as one value to log or export
        TuningMetrics.Counts counts = AmorsizeFlink.metrics().snapshot();
        assertEquals(metrics.decisions(), counts.decisions());
        assertEquals(counts.hits(), counts.asMap().get("hits"));

        // FLINK.md: the options builder; function(...) is the name SparkTuneOptions uses
        FlinkTuneOptions opts = FlinkTuneOptions.builder()
                .functionId("enrich-orders", "3")
                .maxParallelism(128)
                .keyed(true)
                .slots(32)
                .strict(true)
                .build();
        Recommendation keyed = AmorsizeFlink.tune(env, sampleLines, score, expectedRecords, opts);
        assertTrue(keyed.parallelism() <= 128);
        FlinkTuneOptions sameId = FlinkTuneOptions.builder()
                .function("enrich-orders", "3")
                .measureOn(io.amorsize.flink.MeasureOn.CLIENT)
                .build();
        assertEquals(io.amorsize.flink.MeasureOn.CLIENT, sameId.measureOn());
        assertEquals(opts.functionId(), sameId.functionId());
        assertEquals(opts.functionVersion(), sameId.functionVersion());
    }
}
