package io.amorsize.cli;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.recommend.Optimizer;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "One entry: profile, stored decision, explanation.")
final class ShowCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, with or without the prefix.")
    String key;

    @Option(names = "--json", description = "Print the entry as JSON.")
    boolean json;

    @Override
    int run(Target t, RecommendationStore store) throws Exception {
        if (key.isBlank() || key.chars().anyMatch(Character::isWhitespace)) {
            throw CliException.usage("KEY must be non-empty without spaces");
        }
        String k = fullKey(t, key);
        CacheHit hit = getRendered(store, k)
                .orElseThrow(() -> CliException.failed(
                        "no entry under '" + k + "' in " + t.describe() + " (absent, expired or rejected)"));
        CacheEntry e = hit.entry();
        if (json) {
            // the key as stored (rendered), as before the store owned its keys
            com.fasterxml.jackson.databind.node.ObjectNode node = Json.STRICT.valueToTree(e);
            node.put("key", k);
            cli.out.println(Json.STRICT.writeValueAsString(node));
            return AmorsizeCli.EXIT_OK;
        }
        CostProfile p = e.profile();
        var o = cli.out;
        o.println("key          " + k);
        o.println("source       " + hit.source());
        o.println("created      " + Format.instant(e.createdAtMillis()) + " (schema v" + e.schemaVersion() + ")");
        o.println("decision     " + e.action() + " " + e.partitions() + " partitions, batch size " + e.batchSize());
        o.println("workload     " + e.workload().records() + (e.workload().recordsExact() ? "" : " (estimated)")
                + " records in " + e.workload().currentPartitions() + " partitions");
        o.println("cluster      " + e.cluster().engine() + " " + e.cluster().engineVersion() + ", "
                + e.cluster().slots()
                + " slots, " + Format.bytes(e.cluster().memoryPerSlotBytes()) + " per slot, task overhead "
                + Format.nanos(e.cluster().perTaskOverheadNanos()));
        o.println("cost/record  mean " + Format.nanos(p.meanNanos()) + ", p50 " + Format.nanos(p.p50Nanos())
                + ", p95 " + Format.nanos(p.p95Nanos()) + ", p99 " + Format.nanos(p.p99Nanos())
                + ", max " + Format.nanos(p.maxNanos()) + String.format(Locale.ROOT, ", cv %.2f", p.cv()));
        o.println("sample       " + p.sampleSize() + " records, "
                + (p.steadyState() ? "JIT steady state reached" : "JIT steady state NOT reached")
                + String.format(Locale.ROOT, ", partition skew %.2f", p.partitionSkew()));
        o.println("cpu          "
                + (p.cpuNanos() < 0
                        ? "unknown"
                        : Format.nanos(p.cpuNanos()) + "/record" + (p.ioBound() ? " (I/O-bound)" : " (CPU-bound)")));
        o.println("sizes        in " + Format.bytes(p.inputBytes()) + ", out " + Format.bytes(p.outputBytes())
                + ", allocated " + Format.bytes(p.allocatedBytes()) + " per record");
        if (p.batchFit() != null) {
            o.println("batch fit    " + Format.nanos(p.batchFit().fixedNanos()) + " per call + "
                    + Format.nanos(p.batchFit().perRecordNanos()) + " per record ("
                    + p.batchFit().points() + " points)");
        }
        if (e.history().isEmpty()) {
            o.println("observed     no runs yet");
        } else {
            io.amorsize.model.Feedback fb = io.amorsize.model.Feedback.of(e.history());
            o.println("observed     " + fb.describe().substring("observed: ".length()));
            for (io.amorsize.model.Observation ob : e.history()) {
                o.println("  run        " + ob.describe());
            }
        }
        o.println("explanation (re-derived from the profile for the stored workload):");
        o.println(indent(explain(e)));
        return AmorsizeCli.EXIT_OK;
    }

    private String explain(CacheEntry e) {
        try {
            Settings s = Settings.builder().environment(cli.env).build();
            return new Optimizer(s)
                    .optimize(e.profile(), e.workload(), e.cluster())
                    .explain();
        } catch (RuntimeException ex) {
            return "(not available: " + ex.getMessage() + ")";
        }
    }

    private static String indent(String text) {
        return "  " + text.strip().replace("\n", "\n  ");
    }
}
