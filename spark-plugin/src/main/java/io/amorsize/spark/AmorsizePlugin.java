package io.amorsize.spark;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.amorsize.cache.SharedStores;
import io.amorsize.config.Settings;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optional Spark plugin: {@code spark.plugins=io.amorsize.spark.AmorsizePlugin}.
 *
 * <p>The driver plugin opens the recommendation cache once per application from the SparkConf's
 * {@code spark.amorsize.*} keys, closes it when the application ends, and publishes this driver's
 * counters to Spark's metrics system under {@code plugin.io.amorsize.spark.AmorsizePlugin}:
 * {@code hits}, {@code misses}, {@code fallbacks}, {@code decisions} and {@code tuningMillis}. It also
 * adds {@link AmorsizeListener} at application start, so that the per-task overhead comes from the
 * application's first jobs. There
 * is no executor plugin: executors never talk to the cache. {@link AmorsizeSpark} works the same
 * without the plugin (it then opens the cache on first use).
 */
public final class AmorsizePlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return new Driver();
    }

    /** None: executors never open a cache connection. */
    @Override
    public ExecutorPlugin executorPlugin() {
        return null;
    }

    static final class Driver implements DriverPlugin {
        private static final Logger LOG = LoggerFactory.getLogger(AmorsizePlugin.class);

        @Override
        public Map<String, String> init(SparkContext sc, PluginContext ctx) {
            try {
                AmorsizeListener.of(sc); // task events from application start: the per-task overhead
                Settings settings = SparkSettings.fromConf(sc.getConf());
                SharedStores.openForApplication(settings);
                LOG.info("amorsize: plugin started; cache {}", SharedStores.describe());
            } catch (RuntimeException e) {
                // never fail the application: tuning will report the problem (one WARN per decision)
                LOG.warn("amorsize: plugin could not open the cache: {}", e.getMessage());
            }
            return Map.of();
        }

        @Override
        public void registerMetrics(String appId, PluginContext ctx) {
            MetricRegistry r = ctx.metricRegistry();
            r.register("hits", (Gauge<Long>) AmorsizeSparkMetrics::hits);
            r.register("misses", (Gauge<Long>) AmorsizeSparkMetrics::misses);
            r.register("fallbacks", (Gauge<Long>) AmorsizeSparkMetrics::fallbacks);
            r.register("decisions", (Gauge<Long>) AmorsizeSparkMetrics::decisions);
            r.register("tuningMillis", (Gauge<Long>) () -> AmorsizeSparkMetrics.tuningNanos() / 1_000_000);
        }

        @Override
        public void shutdown() {
            SharedStores.closeApplication();
        }
    }
}
