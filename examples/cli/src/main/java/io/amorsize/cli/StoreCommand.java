package io.amorsize.cli;

import io.amorsize.cache.CacheHit;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.key.CacheKey;
import java.util.Optional;
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

    /**
     * The entry under a rendered key of {@code store} (from SCAN, or typed by the user); empty when
     * absent, expired or rejected, and when the key is not an entry key of this store (a lock key,
     * another schema's key).
     */
    static Optional<CacheHit> getRendered(RecommendationStore store, String rendered) {
        CacheKey key;
        try {
            key = store.keyOf(rendered);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return store.get(key);
    }

    /** A key as given, or with the prefix put in front when it lacks it. */
    static String fullKey(Target t, String key) {
        return key.startsWith(t.prefix()) ? key : t.prefix() + key;
    }
}
