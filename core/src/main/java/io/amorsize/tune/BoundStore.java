package io.amorsize.tune;

import io.amorsize.cache.RecommendationStore;
import io.amorsize.config.Settings;
import java.util.Objects;

/**
 * A store and the settings to tune with: their {@code cache.prefix} is the one the store's keys
 * carry (until the store renders its own keys).
 */
public record BoundStore(RecommendationStore store, Settings settings) {
    public BoundStore {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(settings, "settings");
    }
}
