package io.amorsize.spark;

import io.amorsize.Recommendation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * A driver run in a child JVM by {@link SparkFeedbackIT}: a map over a parallelized collection
 * (its record count unknown without a job) feeding {@code mapBatches}, run once; prints one
 * {@code RESULT ...} line. Arguments: cache dir, key prefix, Redis URL.
 */
public final class FeedbackDriver {

    static final int RECORDS = 100_000;

    private FeedbackDriver() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> conf = new HashMap<>();
        conf.put("spark.amorsize.cache.dir", args[0]);
        conf.put("spark.amorsize.cache.prefix", args[1]);
        conf.put("spark.amorsize.redis.url", args[2]);
        conf.put("spark.amorsize.measure.budget", "500ms");
        conf.put("spark.amorsize.sample.budget", "30ms");
        conf.put("spark.amorsize.redis.deadline", "10s");
        conf.put("spark.amorsize.redis.socket-timeout", "5s");
        JavaSparkContext jsc = SparkTestSupport.local("FeedbackDriver", conf);
        try {
            List<Integer> data = IntStream.range(0, RECORDS).boxed().collect(Collectors.toList());
            JavaRDD<Integer> mapped = jsc.parallelize(data, 2).map(x -> x + 1);
            Function<List<Integer>, List<Integer>> fn = Functions.batched(3000, 1);
            Recommendation rec = AmorsizeSpark.recommendBatches(mapped, fn);
            long count = AmorsizeSpark.mapBatches(mapped, fn, rec).count();
            SparkTestSupport.drain(jsc);
            String explain = rec.explain();
            System.out.println("RESULT source=" + rec.source() + " partitions=" + rec.partitions() + " batch="
                    + rec.batchSize() + " count=" + count
                    + " observedRecords=" + explain.contains("records 100,000 (observed)")
                    + " observedRuns="
                    + (explain.contains("observed: 1 run;") ? 1 : explain.contains("observed: 2 runs") ? 2 : 0));
            System.out.println("EXPLAIN " + explain.replace('\n', '|'));
        } finally {
            jsc.stop();
            io.amorsize.cache.SharedStores.closeApplication();
        }
    }
}
