package io.amorsize.spark;

import io.amorsize.Action;
import io.amorsize.AmorsizeException;
import io.amorsize.Recommendation;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.RuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dataset and DataFrame side of {@link AmorsizeSpark}: a Dataset is sampled and measured through
 * its {@code ds.rdd()} on the RDD path (same sampler, same executor measurement, same cache), with
 * the cache key's input part taken from the optimized plan ({@link DatasetInput}) instead of the
 * RDD lineage; a decision is applied with {@code Dataset.repartition(n)} / {@code coalesce(n)}.
 */
final class DatasetTuning {

    private static final Logger LOG = LoggerFactory.getLogger(AmorsizeSpark.class);
    static final String AQE_ENABLED = "spark.sql.adaptive.enabled";
    static final String AQE_COALESCE = "spark.sql.adaptive.coalescePartitions.enabled";
    static final String AQE_ADVISORY = "spark.sql.adaptive.advisoryPartitionSizeInBytes";

    private DatasetTuning() {}

    static <T, R> Recommendation recommend(Dataset<T> ds, MapFunction<T, R> fn, SparkTuneOptions options) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        JavaRDD<T> rdd = rddOf(ds, options);
        if (rdd == null) {
            return Recommendation.fallback(1, "the Dataset has no RDD on this driver");
        }
        DatasetInput plan = planOf(ds, options);
        Recommendation rec = AmorsizeSpark.recommend(rdd, new MapFunctionAdapter<>(fn), options, plan);
        return annotate(ds, plan, rec);
    }

    static <T, R> Recommendation recommendBatches(
            Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, SparkTuneOptions options) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(batchFn, "batchFn");
        Objects.requireNonNull(options, "options");
        JavaRDD<T> rdd = rddOf(ds, options);
        if (rdd == null) {
            return Recommendation.fallback(1, "the Dataset has no RDD on this driver");
        }
        DatasetInput plan = planOf(ds, options);
        Recommendation rec = AmorsizeSpark.recommendBatches(rdd, new MapFunctionAdapter<>(batchFn), options, plan);
        return annotate(ds, plan, rec);
    }

    /**
     * KEEP → {@code ds} itself, COALESCE → {@code coalesce(P)} (when P is smaller), REPARTITION →
     * {@code repartition(P)}. AQE leaves both alone: a repartition with an explicit number is a
     * {@code REPARTITION_BY_NUM} shuffle, which AQE's partition coalescing does not touch.
     */
    static <T> Dataset<T> apply(Dataset<T> ds, Recommendation rec) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(rec, "rec");
        if (rec.action() == Action.KEEP) {
            return ds;
        }
        int p0 = rec.currentPartitions();
        if (rec.action() == Action.COALESCE) {
            return rec.partitions() < p0 ? ds.coalesce(rec.partitions()) : ds;
        }
        return ds.repartition(rec.partitions());
    }

    static <T, R> Dataset<R> mapBatches(
            Dataset<T> ds, MapFunction<List<T>, List<R>> batchFn, Encoder<R> encoder, Recommendation rec) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(batchFn, "batchFn");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(rec, "rec");
        int batch = rec.batchSize();
        MapFunctionAdapter<List<T>, List<R>> f = new MapFunctionAdapter<>(batchFn);
        return apply(ds, rec)
                .mapPartitions((MapPartitionsFunction<T, R>) it -> new BatchingIterator<>(it, batch, f), encoder);
    }

    /** {@code ds.rdd()}; null (with one WARN line) outside strict mode when the Dataset has none. */
    private static <T> JavaRDD<T> rddOf(Dataset<T> ds, SparkTuneOptions options) {
        try {
            return ds.toJavaRDD();
        } catch (RuntimeException e) {
            if (Boolean.TRUE.equals(options.strict())) {
                throw new AmorsizeException("amorsize: tuning failed: the Dataset has no RDD: " + e, e);
            }
            LOG.warn(
                    "amorsize: tuning failed, keeping the Dataset's partitioning: it has no RDD on this driver ({})",
                    e.toString());
            return null;
        }
    }

    /** The plan's facts, or null when the plan cannot be read (the RDD lineage is used then). */
    private static DatasetInput planOf(Dataset<?> ds, SparkTuneOptions options) {
        try {
            return DatasetInput.of(ds);
        } catch (RuntimeException | LinkageError e) {
            if (Boolean.TRUE.equals(options.strict())) {
                throw new AmorsizeException("amorsize: tuning failed: the Dataset's plan cannot be read: " + e, e);
            }
            LOG.debug("amorsize: the Dataset's plan cannot be read ({}); using its RDD lineage", e.toString());
            return null;
        }
    }

    /** The recommendation with the plan's input line and, when AQE is on, what its advisory size gives. */
    private static Recommendation annotate(Dataset<?> ds, DatasetInput plan, Recommendation rec) {
        StringBuilder extra = new StringBuilder();
        if (plan != null) {
            extra.append("\ninput from the optimized plan: ")
                    .append(plan.source())
                    .append(plan.exact() ? " (exact)" : plan.records() >= 0 ? " (estimated)" : "");
        }
        String aqe = aqeLine(ds.sparkSession().conf(), plan == null ? -1 : plan.bytes());
        if (aqe != null) {
            extra.append('\n').append(aqe);
        }
        if (extra.length() == 0) {
            return rec;
        }
        return new Recommendation(
                rec.partitions(),
                rec.batchSize(),
                rec.action(),
                rec.currentPartitions(),
                rec.predictedNanos(),
                rec.currentNanos(),
                rec.warnings(),
                rec.source(),
                rec.explanation() + extra);
    }

    /** The explanation line about AQE, or null when AQE is off. */
    static String aqeLine(RuntimeConfig conf, long inputBytes) {
        if (!"true".equalsIgnoreCase(conf.get(AQE_ENABLED, "true").trim())) {
            return null;
        }
        boolean coalescing =
                "true".equalsIgnoreCase(conf.get(AQE_COALESCE, "true").trim());
        long advisory = parseBytes(conf.get(AQE_ADVISORY, "64m"));
        StringBuilder sb = new StringBuilder("AQE is on (" + AQE_ENABLED + "): it keeps repartition(n) and coalesce(n)"
                + " with an explicit n as they are");
        if (!coalescing) {
            sb.append("; its partition coalescing is off");
        } else if (inputBytes >= 0 && advisory > 0) {
            long p = Math.max(1, (inputBytes + advisory - 1) / advisory);
            sb.append(String.format(
                    Locale.ROOT,
                    "; its advisory partition size (%s = %d bytes) would have given %d"
                            + " partition%s for the %d input bytes",
                    AQE_ADVISORY,
                    advisory,
                    p,
                    p == 1 ? "" : "s",
                    inputBytes));
        } else {
            sb.append(String.format(
                    Locale.ROOT,
                    "; its advisory partition size is %d bytes (input size unknown to the" + " driver)",
                    advisory));
        }
        return sb.toString();
    }

    private static long parseBytes(String v) {
        try {
            return org.apache.spark.network.util.JavaUtils.byteStringAsBytes(v.trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
