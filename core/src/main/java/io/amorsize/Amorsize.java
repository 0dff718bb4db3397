package io.amorsize;

/**
 * The static entry point for the common case: configure the shared cache once, then let the engine
 * plugins (or {@link Tuner}) use it. Mirrors the Python original's API.
 */
public final class Amorsize {

    private Amorsize() {
    }

    // ======================================================================================
    // Shared cache: Redis with a local-file fallback (issue 3). See docs/CACHE.md.
    // ======================================================================================

    /**
     * Uses the Redis at {@code redisUrl} as the shared cache (other settings from the environment:
     * {@code AMORSIZE_CACHE_PREFIX}, {@code AMORSIZE_CACHE_TTL}, {@code AMORSIZE_CACHE_DIR},
     * {@code AMORSIZE_CACHE_SECRET}, or their defaults). The local file stays as the fallback.
     *
     * @param redisUrl {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or
     *                 {@code redis-cluster://} URL (see {@link io.amorsize.cache.RedisUrl})
     * @return true when Redis answered; false when it is unreachable — the local file is then used
     *         and Redis is retried after the breaker's cool-down. Never throws for an unreachable server.
     * @throws IllegalArgumentException when the URL is null or malformed (the message never shows the password)
     */
    public static boolean configureDistributedCache(String redisUrl) {
        return DistributedCache.configure(redisUrl);
    }

    /**
     * Uses the shared cache described by {@code config} (which must have a Redis URL).
     *
     * @return true when Redis answered, false when the local-file fallback is active
     * @throws IllegalArgumentException when {@code config} is null or has no Redis URL
     */
    public static boolean configureDistributedCache(io.amorsize.cache.CacheConfig config) {
        return DistributedCache.configure(config);
    }

    /** True when a Redis cache is configured and answers now (one bounded PING, or the breaker's answer). */
    public static boolean isDistributedCacheEnabled() {
        return DistributedCache.isEnabled();
    }

    /**
     * Keys under the prefix, server memory, version, clients and uptime (when Redis answers), and this
     * JVM's hits, misses, fallbacks, rejected entries and breaker state.
     */
    public static io.amorsize.cache.StoreStats distributedCacheStats() {
        return currentStore().stats();
    }

    /** Deletes every entry under the key prefix (SCAN + UNLINK; never FLUSHDB) and in the local file. */
    public static long clearDistributedCache() {
        return clearDistributedCache("*");
    }

    /**
     * Deletes the entries matching a Redis glob {@code pattern} inside the key prefix (a pattern not
     * starting with the prefix gets it prepended).
     */
    public static long clearDistributedCache(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern must not be null");
        }
        return currentStore().clear(pattern);
    }

    /** Stops using Redis in this JVM; the local file store remains. */
    public static void disableDistributedCache() {
        DistributedCache.disable();
    }

    /**
     * Stores a profile for each workload without running anything, under exactly the key a later
     * look-up of {@code fn} over that input and cluster computes.
     *
     * @param fn    the user function (the same object or code a later job passes)
     * @param specs workloads: input shape, known per-record cost and sizes, cluster (null = current)
     * @return how many entries were stored
     * @throws IllegalArgumentException when an argument is null
     */
    public static int prewarmDistributedCache(Object fn, java.util.List<WorkloadSpec> specs) {
        return DistributedCache.prewarm(fn, specs);
    }

    /**
     * The store engine adapters use: {@code FallbackStore(RedisStore, FileStore)} when Redis is
     * configured (in code, or by {@code AMORSIZE_REDIS_URL}), the {@code FileStore} alone otherwise.
     */
    public static io.amorsize.cache.RecommendationStore currentStore() {
        return DistributedCache.active().store();
    }

    /** The cache configuration in use (key prefix, TTL, fallback directory...); secrets masked in toString. */
    public static io.amorsize.cache.CacheConfig currentCacheConfig() {
        return DistributedCache.active().config();
    }
}
