package io.amorsize.cli;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.EntryFormat;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.key.CacheKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "import",
        description = {
            "Load a bundle written by 'export' into this store.",
            "Another Redis, or the file store with --file: that is how entries migrate.",
            "Keys move from the bundle's prefix to --prefix. An existing newer entry is kept unless --force.",
            "Every entry is checked first: one invalid entry imports nothing (exit 2)."
        })
final class ImportCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "Bundle file ('-' for stdin).")
    String file;

    @Option(names = "--force", description = "Overwrite existing entries even when they are newer.")
    boolean force;

    @Option(
            names = "--bundle-secret-env",
            paramLabel = "VAR",
            description = "Variable with the HMAC secret the bundle was exported with (default: this store's secret).")
    String bundleSecretEnv;

    @Override
    int run(Target t, RecommendationStore store) throws Exception {
        Bundle b = Bundle.read(file, cli);
        String secret = t.secret();
        if (bundleSecretEnv != null) {
            secret = AmorsizeCli.blankToNull(cli.env.get(bundleSecretEnv));
            if (secret == null) {
                throw CliException.usage("--bundle-secret-env " + bundleSecretEnv + ": the variable is not set");
            }
        }
        Entries codec = new Entries(secret);
        List<CacheKey> keys = new ArrayList<>();
        List<CacheEntry> entries = new ArrayList<>();
        for (int i = 0; i < b.entries().size(); i++) {
            Bundle.Item it = b.entries().get(i);
            CacheEntry e;
            try {
                EntryFormat.parse(b.prefix(), it.key());
                e = codec.decode(it.key(), it.value());
            } catch (IllegalArgumentException ex) {
                throw CliException.usage(file + ": entries[" + i + "]: " + ex.getMessage());
            }
            // the key moves from the bundle's prefix to this store's: the store renders it under its own
            keys.add(e.key());
            entries.add(e);
        }
        int imported = 0;
        int kept = 0;
        for (int i = 0; i < keys.size(); i++) {
            if (!force) {
                Optional<CacheHit> existing = store.get(keys.get(i));
                if (existing.isPresent()
                        && existing.get().entry().createdAtMillis()
                                > entries.get(i).createdAtMillis()) {
                    kept++;
                    continue;
                }
            }
            store.put(keys.get(i), entries.get(i));
            imported++;
        }
        cli.out.println("Imported " + imported + (imported == 1 ? " entry" : " entries") + " into " + t.describe()
                + (kept > 0
                        ? "; kept " + kept + " newer existing " + (kept == 1 ? "entry" : "entries")
                                + " (use --force to overwrite)"
                        : "")
                + ".");
        return AmorsizeCli.EXIT_OK;
    }
}
