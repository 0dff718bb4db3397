package io.amorsize.cache;

import io.amorsize.Source;
import java.util.Objects;

/**
 * A cache entry and where it was read from ({@link Source#CACHE_REDIS} or {@link Source#CACHE_FILE}).
 */
public record CacheHit(CacheEntry entry, Source source) {
    public CacheHit {
        Objects.requireNonNull(entry, "entry");
        if (source != Source.CACHE_REDIS && source != Source.CACHE_FILE) {
            throw new IllegalArgumentException("a cache hit comes from CACHE_REDIS or CACHE_FILE, got " + source);
        }
    }
}
