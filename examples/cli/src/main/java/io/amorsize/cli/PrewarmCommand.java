package io.amorsize.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.amorsize.Recommendation;
import io.amorsize.WorkloadSpec;
import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;
import io.amorsize.key.CacheKey;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.recommend.Optimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "prewarm",
        description = {
            "Store profiles for a JSON list of workloads; nothing runs.",
            "Each goes under exactly the key a later look-up of that function, input and cluster computes",
            "(the fields of io.amorsize.WorkloadSpec plus \"function\": the fingerprint). The whole file is",
            "checked first: one bad element stores nothing (exit 2)."
        })
final class PrewarmCommand extends StoreCommand {

    static final long MAX_FILE_BYTES = 16L << 20;

    @Parameters(index = "0", paramLabel = "FILE", description = "JSON array of workload specs ('-' for stdin).")
    String file;

    @Override
    int run(Target t, RecommendationStore store) throws IOException {
        List<WorkloadJson> specs = read(file, cli);
        if (specs.isEmpty()) {
            throw CliException.usage(file + ": the list is empty");
        }
        Settings settings = Settings.builder().environment(cli.env).build();
        long now = System.currentTimeMillis();
        List<CacheKey> keys = new ArrayList<>();
        List<CacheEntry> entries = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = "$[" + i + "]";
            WorkloadJson s = specs.get(i);
            if (s == null) {
                throw CliException.usage(file + ": " + at + " is null");
            }
            try {
                WorkloadSpec spec = s.toSpec(at);
                CacheKey key = s.key(spec, at);
                CostProfile profile = spec.profile();
                Workload workload = spec.workload();
                ClusterShape cluster = spec.cluster();
                Recommendation r = decide(settings, profile, workload, cluster);
                entries.add(new CacheEntry(
                        EntryFormat.SCHEMA_VERSION,
                        key,
                        profile,
                        cluster,
                        workload,
                        r.partitions(),
                        r.batchSize(),
                        r.action(),
                        now));
                keys.add(key);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(
                        file + ": " + (e.getMessage().startsWith("$") ? "" : at + ": ") + e.getMessage());
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            store.put(keys.get(i), entries.get(i));
            cli.out.println("stored " + store.render(keys.get(i)) + "  " + Format.summary(entries.get(i), now));
        }
        cli.out.println("Prewarmed " + keys.size() + (keys.size() == 1 ? " workload" : " workloads") + " in "
                + t.describe() + ".");
        return AmorsizeCli.EXIT_OK;
    }

    /** The decision for display (as the facade's prewarm stores it); on a hit the engine re-derives it anyway. */
    private static Recommendation decide(Settings s, CostProfile p, Workload w, ClusterShape c) {
        return new Optimizer(s).optimize(p, w, c);
    }

    static List<WorkloadJson> read(String file, AmorsizeCli cli) throws IOException {
        byte[] bytes = Files2.readBounded(file, cli, MAX_FILE_BYTES);
        try {
            List<WorkloadJson> specs = Json.STRICT.readValue(bytes, new TypeReference<List<WorkloadJson>>() {});
            if (specs == null) {
                throw CliException.usage(file + ": expected a JSON array of workloads, got null");
            }
            return specs;
        } catch (JacksonException e) {
            throw CliException.usage(file + ": not a valid workload list: " + Json.describe(e));
        }
    }
}
