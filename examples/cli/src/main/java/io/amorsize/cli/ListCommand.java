package io.amorsize.cli;

import io.amorsize.cache.CacheHit;
import io.amorsize.cache.RecommendationStore;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", description = "Keys under the prefix, each with a one-line summary.")
final class ListCommand extends StoreCommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "PATTERN",
            defaultValue = "*",
            description = "Glob inside the prefix (default: *).")
    String pattern;

    @Option(names = "--keys-only", description = "Print the keys only.")
    boolean keysOnly;

    @Override
    int run(Target t, RecommendationStore store) {
        Patterns.check(pattern);
        List<String> keys = store.scan(t.prefix() + pattern);
        long now = System.currentTimeMillis();
        for (String k : keys) {
            if (keysOnly) {
                cli.out.println(k);
                continue;
            }
            Optional<CacheHit> hit = getRendered(store, k);
            cli.out.println(
                    k + "  " + hit.map(h -> Format.summary(h.entry(), now)).orElse("(expired or rejected)"));
        }
        if (!keysOnly) {
            cli.out.println(keys.size() + (keys.size() == 1 ? " key" : " keys") + " in " + t.describe());
        }
        return AmorsizeCli.EXIT_OK;
    }
}
