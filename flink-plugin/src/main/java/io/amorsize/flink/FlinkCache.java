package io.amorsize.flink;

import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;

/** The recommendation store used by the Flink client. Redis is only ever opened in the client. */
final class FlinkCache {

    // TODO(merge): replace with io.amorsize.Amorsize.currentStore() once the cache facade lands.
    private static final RecommendationStore STORE = new InMemoryStore();

    private FlinkCache() {
    }

    static RecommendationStore store(Settings settings) {
        return STORE;
    }
}
