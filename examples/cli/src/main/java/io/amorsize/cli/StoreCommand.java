package io.amorsize.cli;

import io.amorsize.cache.RecommendationStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** A subcommand that works on the store the global options name. */
abstract class StoreCommand implements Callable<Integer> {

    @ParentCommand
    AmorsizeCli cli;

    @Override
    public final Integer call() throws Exception {
        Target t = cli.target();
        try (RecommendationStore store = cli.open(t)) {
            return run(t, store);
        }
    }

    abstract int run(Target target, RecommendationStore store) throws Exception;

    /** A key as given, or with the prefix put in front when it lacks it. */
    static String fullKey(Target t, String key) {
        return key.startsWith(t.prefix()) ? key : t.prefix() + key;
    }
}
