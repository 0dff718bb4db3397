package io.amorsize.spark.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.Recommendation;
import io.amorsize.spark.AmorsizeSpark;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Dataset calls of README.md and docs/SPARK.md, from outside the plugin's package, with the
 * argument and result types they use (a lambda for the batch function, as written there).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeDatasetApiTest {

    @Test
    void theDocumentedDatasetCallsCompileAndWork() throws Exception {
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("ReadmeDatasetApiTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.showConsoleProgress", "false")
                .config(
                        "spark.amorsize.cache.dir",
                        Files.createTempDirectory("amorsize-readme-ds").toString())
                .config(
                        "spark.amorsize.cache.prefix",
                        "readme-ds-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":")
                .config("spark.amorsize.measure.budget", "300ms")
                .config("spark.amorsize.measure.warmup-budget", "100ms")
                .getOrCreate();
        try {
            Dataset<Row> events = spark.range(0, 1000).toDF("id");
            // README: repartitionOptimal(Dataset<Row>, MapFunction<Row, String>).map(fn, encoder)
            MapFunction<Row, String> enrich = r -> "e" + r.getLong(0);
            Dataset<String> out =
                    AmorsizeSpark.repartitionOptimal(events, enrich).map(enrich, Encoders.STRING());
            assertEquals(1000, out.count());
            // README / SPARK.md: mapBatches(ds, lambda, encoder)
            Dataset<String> scores = AmorsizeSpark.mapBatches(
                    events,
                    batch -> {
                        List<String> s = new ArrayList<>(batch.size());
                        batch.forEach(r -> s.add("s" + r.getLong(0)));
                        return s;
                    },
                    Encoders.STRING());
            assertEquals(1000, scores.count());
            // SPARK.md: recommend(ds, fn).explain() says when AQE is on (Spark 4's default)
            Recommendation rec = AmorsizeSpark.recommend(events, enrich);
            assertTrue(rec.explain().contains("AQE is on"), rec.explain());
            assertTrue(rec.explain().contains("a range of 1000 rows (exact)"), rec.explain());
        } finally {
            spark.stop();
        }
    }
}
