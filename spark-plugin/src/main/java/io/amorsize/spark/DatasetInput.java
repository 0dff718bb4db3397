package io.amorsize.spark;

import io.amorsize.Action;
import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.key.InputShape;
import io.amorsize.model.Workload;
import io.amorsize.tune.EngineInput;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;

/**
 * What the driver knows about a Dataset's input without a job, from its optimized logical plan:
 * the row count of a {@code LocalRelation} ({@code createDataset}, {@code createDataFrame} of a list)
 * or a {@code Range} ({@code spark.range}) reached through row-preserving steps (projections,
 * (de)serialization, typed maps), exact; else the plan statistics' {@code rowCount} when present
 * (e.g. after {@code ANALYZE TABLE}); the file sizes of a file scan ({@code HadoopFsRelation}'s
 * listed files), else the statistics' {@code sizeInBytes} when it is not Spark's "unknown" default.
 * Planning lists files as Spark itself does when the Dataset is created; nothing here runs a job.
 *
 * @param records  rows, or -1 when not known
 * @param exact    whether {@code records} is exact (a local relation or a range, no filter on top)
 * @param bytes    input bytes, or -1 when not known
 * @param source   what the numbers came from, for the explanation
 */
record DatasetInput(long records, boolean exact, long bytes, String source) {

    /** Logical operators that keep every row (and add none): a leaf's exact count survives them. */
    private static final Set<String> ROW_PRESERVING = Set.of(
            "Project",
            "SerializeFromObject",
            "DeserializeToObject",
            "MapElements",
            "SubqueryAlias",
            "Repartition",
            "RepartitionByExpression",
            "Sort",
            "ResolvedHint",
            "AppendColumns",
            "AppendColumnsWithObject");

    /** Reads {@code ds}'s optimized plan on the driver; never runs a job. */
    static DatasetInput of(Dataset<?> ds) {
        if (!(ds instanceof org.apache.spark.sql.classic.Dataset<?> classic)) {
            return new DatasetInput(-1, false, -1, "a " + ds.getClass().getSimpleName() + " (no plan on this driver)");
        }
        LogicalPlan plan = classic.queryExecution().optimizedPlan();
        LogicalPlan node = plan;
        boolean preserving = true;
        while (node.children().size() == 1) {
            preserving &= ROW_PRESERVING.contains(node.nodeName());
            node = node.children().head();
        }
        long records = -1;
        boolean exact = false;
        long bytes = -1;
        String source;
        if (node instanceof LocalRelation local && node.children().isEmpty()) {
            records = local.data().size();
            exact = preserving;
            source = "a local relation of " + records + " rows";
        } else if (node instanceof Range range && range.numElements().isValidLong()) {
            records = range.numElements().longValue();
            exact = preserving;
            source = "a range of " + records + " rows";
        } else if (node instanceof LogicalRelation rel && rel.relation() instanceof HadoopFsRelation fs) {
            bytes = fs.location().sizeInBytes();
            source = "a " + fs.fileFormat().toString().toLowerCase(Locale.ROOT) + " scan of "
                    + fs.location().inputFiles().length + " files, " + bytes + " bytes";
        } else {
            source = "the plan statistics";
        }
        if (!exact) {
            records = -1;
        }
        Statistics stats = plan.stats();
        if (records < 0
                && stats.rowCount().isDefined()
                && stats.rowCount().get().isValidLong()) {
            records = stats.rowCount().get().longValue();
            source += ", ~" + records + " rows (statistics)";
        }
        long unknownSize = classic.sparkSession().sessionState().conf().defaultSizeInBytes();
        if (bytes < 0
                && stats.sizeInBytes().isValidLong()
                && stats.sizeInBytes().longValue() < unknownSize) {
            bytes = stats.sizeInBytes().longValue();
        }
        return new DatasetInput(Math.max(-1, records), exact, Math.max(-1, bytes), source);
    }

    /** The engine input for the Dataset's RDD with {@code partitions} partitions. */
    EngineInput describe(int partitions) {
        int p = Math.max(1, partitions);
        if (exact && records == 0) {
            return EngineInput.nothingToTune(new Recommendation(
                    p,
                    1,
                    Action.KEEP,
                    p,
                    Double.NaN,
                    Double.NaN,
                    List.of(),
                    Source.DEFAULT_FALLBACK,
                    "amorsize: kept " + p + " partitions: the input is empty"));
        }
        Workload known = null;
        if (exact) {
            // LocalTableScanExec and RangeExec split rows evenly: the largest slice is ceil(n / p)
            long largest = (records + p - 1) / p;
            known = Workload.exact(records, p)
                    .withLargestShare(Math.min(1.0, Math.max(1.0 / p, (double) largest / records)));
        }
        String note = "input from the optimized plan: " + source
                + (exact ? " (exact)" : records >= 0 ? " (estimated)" : " (row count unknown to the driver)");
        return EngineInput.of(new InputShape(records, bytes, p), known, List.of(note));
    }
}
