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
 * runs the job, prints one {@code RESULT ...} line. Arguments: cache dir, key prefix, Redis URL or "-",
 * optionally the function's µs per record (300) and "warm" (the plugin listens from application start
 * and the application runs a job before tuning).
 */
public final class ChildDriver {

    private ChildDriver() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> conf = new HashMap<>();
        conf.put("spark.amorsize.cache.dir", args[0]);
        conf.put("spark.amorsize.cache.prefix", args[1]);
        if (!"-".equals(args[2])) {
            conf.put("spark.amorsize.redis.url", args[2]);
        }
        conf.put("spark.amorsize.measure.budget", "500ms");
        boolean warm = args.length > 4 && "warm".equals(args[4]);
        if (warm) {
            conf.put("spark.plugins", AmorsizePlugin.class.getName()); // listens from application start
        }
        JavaSparkContext jsc = SparkTestSupport.local("ChildDriver", conf);
        SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();
        jsc.sc().addSparkListener(counter);
        try {
            List<Integer> data = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
            JavaRDD<Integer> rdd = jsc.parallelize(data, 1);
            if (warm) {
                // the application ran a job before: the executor's first task (one-off costs) is behind it
                jsc.parallelize(data, 2).count();
                SparkTestSupport.drain(jsc);
                counter.reset();
            }
            Function<Integer, Integer> fn = Functions.cpu(args.length > 3 ? Integer.parseInt(args[3]) : 300);
            long t0 = System.nanoTime();
            Recommendation rec = AmorsizeSpark.recommend(rdd, fn);
            long tuneMs = (System.nanoTime() - t0) / 1_000_000;
            SparkTestSupport.drain(jsc);
            int sample = counter.phase("sample");
            int measure = counter.phase("measure");
            int calibrate = counter.phase("calibrate");
            int jobs = counter.jobs.get();
            JavaRDD<Integer> tuned = AmorsizeSpark.apply(rdd, rec);
            long count = tuned.map(fn).count();
            System.out.println("RESULT partitions=" + tuned.getNumPartitions() + " source=" + rec.source()
                    + " sample=" + sample + " measure=" + measure + " calibrate=" + calibrate + " count=" + count
                    + " jobs=" + jobs + " overheadFromStore=" + rec.explain().contains("from the shared store")
                    + " pid=" + ProcessHandle.current().pid() + " tuneMs=" + tuneMs);
        } finally {
            jsc.stop();
            io.amorsize.cache.SharedStores.closeApplication();
        }
    }
}
