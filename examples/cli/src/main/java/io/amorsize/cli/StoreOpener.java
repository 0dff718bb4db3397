package io.amorsize.cli;

import io.amorsize.cache.RecommendationStore;

/** Opens the store a {@link Target} names. The production one builds Redis or file stores; tests may pass fakes. */
@FunctionalInterface
interface StoreOpener {

    /**
     * @throws io.amorsize.cache.StoreUnavailableException when the store cannot be reached
     */
    RecommendationStore open(Target target);
}
