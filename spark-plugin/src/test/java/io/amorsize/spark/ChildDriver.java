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
 * A driver program run in a child JVM by {@link TwoDriversIT}: tunes one function on one input,
 * runs the job, prints one {@code RESULT ...} line. Arguments: cache dir, key prefix, Redis URL or "-".
 */
public final class ChildDriver {

    private ChildDriver() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> conf = new HashMap<>();
        conf.put("spark.amorsize.cache.dir", args[0]);
        conf.put("spark.amorsize.cache.prefix", args[1]);
        if (!"-".equals(args[2])) {
            conf.put("spark.amorsize.redis.url", args[2]);
        }
        conf.put("spark.amorsize.measure.budget", "500ms");
        JavaSparkContext jsc = SparkTestSupport.local("ChildDriver", conf);
        SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();
        jsc.sc().addSparkListener(counter);
        try {
            List<Integer> data = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
            JavaRDD<Integer> rdd = jsc.parallelize(data, 1);
            Function<Integer, Integer> fn = Functions.cpu(args.length > 3 ? Integer.parseInt(args[3]) : 300);
            long t0 = System.nanoTime();
            Recommendation rec = AmorsizeSpark.recommend(rdd, fn);
            long tuneMs = (System.nanoTime() - t0) / 1_000_000;
            SparkTestSupport.drain(jsc);
            int sample = counter.phase("sample");
            int measure = counter.phase("measure");
            int calibrate = counter.phase("calibrate");
            JavaRDD<Integer> tuned = AmorsizeSpark.apply(rdd, rec);
            long count = tuned.map(fn).count();
            System.out.println("RESULT partitions=" + tuned.getNumPartitions() + " source=" + rec.source()
                    + " sample=" + sample + " measure=" + measure + " calibrate=" + calibrate + " count=" + count
                    + " jobs=" + counter.jobs.get() + " overheadFromStore=" + rec.explain().contains("from the shared store")
                    + " pid=" + ProcessHandle.current().pid() + " tuneMs=" + tuneMs);
        } finally {
            jsc.stop();
            io.amorsize.cache.SharedStores.closeApplication();
        }
    }
}
