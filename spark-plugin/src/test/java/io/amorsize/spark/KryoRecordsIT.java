package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amorsize.Recommendation;
import io.amorsize.Source;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records that only Kryo can serialize travel through sampling and measurement. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KryoRecordsIT {

    /** Deliberately not Serializable, and without a no-argument constructor. */
    static final class Point {
        final int x;
        final double[] payload;

        Point(int x) {
            this.x = x;
            this.payload = new double[] {x, x * 0.5};
        }
    }

    @Test
    void nonSerializableRecordsAreSampledAndMeasuredWithKryo() throws Exception {
        JavaSparkContext jsc = SparkTestSupport.local(
                "KryoRecordsIT",
                Map.of(
                        "spark.serializer",
                        "org.apache.spark.serializer.KryoSerializer",
                        "spark.amorsize.cache.dir",
                        Files.createTempDirectory("amorsize-kryo").toString(),
                        "spark.amorsize.cache.prefix",
                        "kryo-" + System.nanoTime() + ":",
                        "spark.amorsize.measure.budget",
                        "300ms"));
        try {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                points.add(new Point(i));
            }
            JavaRDD<Point> rdd = jsc.parallelize(points, 1);
            // the records really cannot be Java-serialized
            assertThrows(
                    java.io.NotSerializableException.class,
                    () -> new java.io.ObjectOutputStream(java.io.OutputStream.nullOutputStream())
                            .writeObject(points.get(0)));
            Recommendation rec = AmorsizeSpark.recommend(rdd, p -> {
                Functions.spin(200_000);
                return p.payload[0] + p.payload[1];
            });
            assertNotEquals(Source.DEFAULT_FALLBACK, rec.source(), rec.explain());
            JavaRDD<Point> tuned = AmorsizeSpark.apply(rdd, rec);
            assertEquals(rec.partitions(), tuned.getNumPartitions());
            assertEquals(2000, tuned.map(p -> p.x).count());
        } finally {
            jsc.stop();
            io.amorsize.cache.SharedStores.closeApplication();
        }
    }
}
