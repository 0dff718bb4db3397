package io.amorsize.spark;

import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;

/** The driver's recommendation store. Never called on an executor. */
final class Stores {

    private static final RecommendationStore TEMPORARY = new InMemoryStore();

    private Stores() {
    }

    /** The store for this driver (TODO: Amorsize.currentStore() once the cache facade lands). */
    static RecommendationStore current(Settings settings) {
        return TEMPORARY;
    }
}
