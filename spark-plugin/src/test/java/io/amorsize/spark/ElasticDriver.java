package io.amorsize.spark;

import io.amorsize.Recommendation;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * A driver for {@link ElasticClusterIT} in a child JVM: tunes one function on {@code local[N]},
 * prints one {@code RESULT ...} line. Arguments: master, cache dir, key prefix.
 */
public final class ElasticDriver {

    private ElasticDriver() {}

    public static void main(String[] args) {
        SparkConf conf = new SparkConf()
                .setAppName("ElasticDriver")
                .setMaster(args[0])
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.amorsize.cache.dir", args[1])
                .set("spark.amorsize.cache.prefix", args[2])
                .set("spark.amorsize.measure.budget", "500ms");
        JavaSparkContext jsc = new JavaSparkContext(conf);
        SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();
        jsc.sc().addSparkListener(counter);
        String line;
        try {
            List<Integer> data = IntStream.range(0, 4000).boxed().collect(Collectors.toList());
            JavaRDD<Integer> rdd = jsc.parallelize(data, 1);
            Function<Integer, Integer> fn = Functions.cpu(250);
            Recommendation rec = AmorsizeSpark.recommend(rdd, fn);
            SparkTestSupport.drain(jsc);
            String cluster = rec.explain()
                    .lines()
                    .filter(l -> l.contains("cluster       :"))
                    .findFirst()
                    .orElse("")
                    .replace(' ', '_');
            line = "RESULT source=" + rec.source() + " partitions=" + rec.partitions() + " amorsize="
                    + counter.amorsizeJobs() + " key="
                    + SparkClusterShape.of(jsc.sc(), 0).fingerprint()
                    + " cluster=" + cluster;
        } finally {
            jsc.stop();
        }
        System.out.println(line);
        io.amorsize.cache.SharedStores.closeApplication();
        System.exit(0);
    }
}
