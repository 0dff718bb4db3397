package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.metrics.source.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmorsizePluginIT {

    @Test
    void driverPluginOpensTheCachePublishesMetricsAndClosesAtShutdown() throws Exception {
        JavaSparkContext jsc = SparkTestSupport.local(
                "AmorsizePluginIT",
                Map.of(
                        "spark.plugins",
                        AmorsizePlugin.class.getName(),
                        "spark.amorsize.cache.dir",
                        Files.createTempDirectory("amorsize-plugin").toString(),
                        "spark.amorsize.cache.prefix",
                        "plugin-" + System.nanoTime() + ":",
                        "spark.amorsize.measure.budget",
                        "300ms"));
        try {
            assertTrue(io.amorsize.cache.SharedStores.isOpen(), "the driver plugin opens the cache at start-up");
            List<Source> sources = scala.jdk.javaapi.CollectionConverters.asJava(
                    jsc.sc().env().metricsSystem().getSourcesByName("plugin." + AmorsizePlugin.class.getName()));
            assertEquals(1, sources.size());
            MetricRegistry registry = sources.get(0).metricRegistry();
            assertEquals(
                    Set.of("hits", "misses", "fallbacks", "decisions", "tuningMillis"),
                    registry.getGauges().keySet());
            long decisions = (Long) gauge(registry, "decisions").getValue();
            long misses = (Long) gauge(registry, "misses").getValue();
            List<Integer> data = IntStream.range(0, 1000).boxed().collect(Collectors.toList());
            AmorsizeSpark.recommend(jsc.parallelize(data, 1), Functions.cpu(100));
            assertEquals(decisions + 1, (Long) gauge(registry, "decisions").getValue());
            assertEquals(misses + 1, (Long) gauge(registry, "misses").getValue());
            assertTrue((Long) gauge(registry, "tuningMillis").getValue() > 0);
        } finally {
            jsc.stop();
        }
        assertTrue(!io.amorsize.cache.SharedStores.isOpen(), "the driver plugin closes the cache at shutdown");
    }

    private static Gauge<?> gauge(MetricRegistry r, String name) {
        return r.getGauges().get(name);
    }
}
