package io.amorsize.cli;

import io.amorsize.cache.CacheHit;
import io.amorsize.cache.RecommendationStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "export", description = "Write every entry under the prefix (or matching PATTERN) to a JSON bundle.")
final class ExportCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "Bundle file to write (replaced atomically).")
    String file;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "PATTERN",
            defaultValue = "*",
            description = "Glob inside the prefix (default: *).")
    String pattern;

    @Override
    int run(Target t, RecommendationStore store) throws Exception {
        Patterns.check(pattern);
        Path out;
        try {
            out = Path.of(file);
        } catch (InvalidPathException e) {
            throw CliException.usage(file + ": not a valid path");
        }
        Entries codec = new Entries(t.secret());
        List<Bundle.Item> items = new ArrayList<>();
        int skipped = 0;
        for (String k : store.scan(t.prefix() + pattern)) {
            Optional<CacheHit> hit = getRendered(store, k);
            if (hit.isEmpty()) {
                skipped++;
                continue;
            }
            items.add(new Bundle.Item(k, codec.encode(k, hit.get().entry())));
        }
        Bundle.of(t.prefix(), System.currentTimeMillis(), items).write(out);
        cli.out.println(
                "Exported " + items.size() + (items.size() == 1 ? " entry" : " entries") + " from " + t.describe()
                        + " to " + file + (skipped > 0 ? " (" + skipped + " expired or rejected, skipped)" : "") + ".");
        return AmorsizeCli.EXIT_OK;
    }
}
