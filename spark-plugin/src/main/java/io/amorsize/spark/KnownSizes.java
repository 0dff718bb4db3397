package io.amorsize.spark;

import io.amorsize.key.InputKind;
import io.amorsize.key.InputShape;
import java.util.Arrays;
import org.apache.spark.Dependency;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.rdd.HadoopPartition;
import org.apache.spark.rdd.HadoopRDD;
import org.apache.spark.rdd.MapPartitionsRDD;
import org.apache.spark.rdd.NewHadoopPartition;
import org.apache.spark.rdd.NewHadoopRDD;
import org.apache.spark.rdd.ParallelCollectionPartition;
import org.apache.spark.rdd.ParallelCollectionRDD;
import org.apache.spark.rdd.RDD;

/**
 * What the driver knows about an RDD's size without running a job: per-partition record counts of
 * a parallelized collection, per-partition input-split bytes of a Hadoop (file) input reached
 * through one-to-one map steps. Either array is null when unknown.
 *
 * @param partitions       the RDD's partition count (may be 0)
 * @param recordsPerPartition exact records of each partition, or null
 * @param bytesPerPartition   input bytes of each partition, or null
 */
record KnownSizes(int partitions, long[] recordsPerPartition, long[] bytesPerPartition) {

    /** Inspects {@code rdd}'s partitions and lineage on the driver; never runs a job, never throws. */
    static KnownSizes of(RDD<?> rdd) {
        Partition[] parts = rdd.partitions();
        long[] records = null;
        long[] bytes = null;
        try {
            if (rdd instanceof ParallelCollectionRDD<?>) {
                records = new long[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    records[i] =
                            ((ParallelCollectionPartition<?>) parts[i]).values().size();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            records = null;
        }
        try {
            RDD<?> r = rdd;
            // Follow one-to-one map steps (textFile is a map over a HadoopRDD) down to the file input.
            for (int depth = 0; depth < 16 && r != null; depth++) {
                if (r instanceof HadoopRDD<?, ?> || r instanceof NewHadoopRDD<?, ?>) {
                    Partition[] hp = r.partitions();
                    if (hp.length == parts.length) {
                        bytes = new long[hp.length];
                        for (int i = 0; i < hp.length; i++) {
                            bytes[i] = splitBytes(hp[i]);
                        }
                    }
                    break;
                }
                if (!(r instanceof MapPartitionsRDD<?, ?>) || r.dependencies().size() != 1) {
                    break;
                }
                Dependency<?> d = r.dependencies().head();
                if (!(d instanceof OneToOneDependency<?>)) {
                    break;
                }
                r = d.rdd();
            }
        } catch (Exception | LinkageError e) {
            bytes = null;
        }
        return new KnownSizes(parts.length, records, bytes);
    }

    private static long splitBytes(Partition p) throws Exception {
        if (p instanceof HadoopPartition hp) {
            return hp.inputSplit().value().getLength();
        }
        return ((NewHadoopPartition) p).serializableHadoopSplit().value().getLength();
    }

    long totalRecords() {
        return recordsPerPartition == null
                ? -1
                : Arrays.stream(recordsPerPartition).sum();
    }

    long totalBytes() {
        return bytesPerPartition == null ? -1 : Arrays.stream(bytesPerPartition).sum();
    }

    /** The cache key's input part (requires at least one partition). */
    InputShape inputShape() {
        return InputKind.describe(totalRecords(), totalBytes(), Math.max(1, partitions));
    }

    /** Largest partition's share of the records when counts are known, else NaN. */
    double largestShare() {
        long total = totalRecords();
        if (total <= 0) {
            return Double.NaN;
        }
        return (double) Arrays.stream(recordsPerPartition).max().orElse(0) / total;
    }
}
