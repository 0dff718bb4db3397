package io.amorsize.flink;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A real Flink metric reporter (loaded by Flink's reporter set-up from
 * {@code metrics.reporter.capture.factory.class}) that keeps every metric registered in this JVM by
 * its full identifier, so a test can read an operator's counters after the job. Metrics stay readable
 * after Flink removes them (the objects keep their last value).
 */
public final class CapturingReporter implements MetricReporter {

    static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.put(group.getMetricIdentifier(name), metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Metrics whose identifier contains {@code part}. */
    static Map<String, Metric> matching(String part) {
        Map<String, Metric> out = new java.util.TreeMap<>();
        METRICS.forEach((k, v) -> {
            if (k.contains(part)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The factory Flink's service loader finds. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CapturingReporter();
        }
    }
}
