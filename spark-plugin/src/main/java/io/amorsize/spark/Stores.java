package io.amorsize.spark;

import io.amorsize.cache.InMemoryStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;

/**
 * The driver's recommendation store. Opened once per application (by {@link AmorsizePlugin} or on
 * first use), closed at shutdown. Never called on an executor.
 */
final class Stores {

    private static RecommendationStore current;

    private Stores() {
    }

    /** The store for this driver, opened from {@code settings} on first use. */
    static synchronized RecommendationStore current(Settings settings) {
        if (current == null) {
            current = new InMemoryStore(); // TODO: Amorsize.currentStore() once the cache facade lands
        }
        return current;
    }

    static synchronized void openForApplication(Settings settings) {
        closeApplication();
        current(settings);
    }

    static synchronized void closeApplication() {
        if (current != null) {
            try {
                current.close();
            } finally {
                current = null;
            }
        }
    }

    static synchronized boolean isOpen() {
        return current != null;
    }

    static synchronized String describe() {
        return current == null ? "(none)" : current.stats().backend();
    }
}
