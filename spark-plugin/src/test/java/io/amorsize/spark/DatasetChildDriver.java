package io.amorsize.spark;

import io.amorsize.Recommendation;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A driver program for {@link DatasetParquetIT}, run in the test JVM (driver 1) and in a child JVM
 * (driver 2): reads a Parquet file, tunes {@link #fn()} on it, runs the job, prints one
 * {@code RESULT ...} line. Arguments: cache dir, key prefix, Parquet path.
 */
public final class DatasetChildDriver {

    private DatasetChildDriver() {}

    /** The function both drivers tune (one definition, so both JVMs fingerprint the same code). */
    static MapFunction<Row, Long> fn() {
        return r -> {
            Functions.spin(300_000);
            return r.getLong(0) * 2;
        };
    }

    public static void main(String[] args) {
        System.out.println(run(args[0], args[1], args[2]));
        io.amorsize.cache.SharedStores.closeApplication();
        System.exit(0); // the session is stopped: end even if a library left a non-daemon thread
    }

    /** Tunes and runs on a fresh {@code local[2]} session; returns the RESULT line. */
    static String run(String cacheDir, String prefix, String parquet) {
        SparkSession spark = DatasetIT.session(
                "DatasetChildDriver",
                Map.of(
                        "spark.amorsize.cache.dir", cacheDir,
                        "spark.amorsize.cache.prefix", prefix,
                        "spark.amorsize.measure.budget", "500ms"));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkTestSupport.JobCounter counter = new SparkTestSupport.JobCounter();
        jsc.sc().addSparkListener(counter);
        try {
            Dataset<Row> df = spark.read().schema("id LONG").parquet(parquet);
            SparkTestSupport.drain(jsc);
            counter.reset();
            Recommendation rec = AmorsizeSpark.recommend(df, fn());
            SparkTestSupport.drain(jsc);
            int jobs = counter.jobs.get();
            int amorsize = counter.amorsizeJobs();
            Dataset<Row> tuned = AmorsizeSpark.apply(df, rec);
            long count = tuned.map(fn(), Encoders.LONG()).count();
            return "RESULT partitions=" + rec.partitions() + " source=" + rec.source() + " jobs=" + jobs
                    + " amorsize=" + amorsize + " count=" + count + " pid="
                    + ProcessHandle.current().pid()
                    + " plan=" + (rec.explain().contains("a parquet scan of 1 files") ? "parquet" : "other");
        } finally {
            spark.stop();
        }
    }
}
