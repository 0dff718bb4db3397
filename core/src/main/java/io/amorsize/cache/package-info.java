/**
 * Where measured profiles are kept between jobs, behind one interface,
 * {@link io.amorsize.cache.RecommendationStore}: get, put, delete, scan, clear, stats and an optional per-key
 * compute lock (entries expire after the configured TTL). The cache is opened on the driver or Flink
 * client only; executors and task managers never connect.
 *
 * <ul>
 *   <li>{@link io.amorsize.cache.RedisStore}: standalone, Sentinel or Cluster (optionally TLS, ACL user),
 *       every call bounded by an overall deadline and guarded by a {@link io.amorsize.cache.CircuitBreaker};
 *       failures are classified as {@link io.amorsize.cache.StoreUnavailableException} (fall back) or
 *       {@link io.amorsize.cache.StoreServerException} (the server answered with an error).
 *       {@link io.amorsize.cache.RedisUrl} parses and masks the URL; {@link io.amorsize.cache.CacheConfig}
 *       is the immutable configuration.</li>
 *   <li>{@link io.amorsize.cache.FileStore}: one JSON file per directory, shared by the processes of one host
 *       (file locks, crash-safe replacement by {@link io.amorsize.cache.AtomicFiles}).</li>
 *   <li>{@link io.amorsize.cache.FallbackStore}: a primary (Redis) backed by the file store; writes made
 *       while the primary is unavailable go to a {@link io.amorsize.cache.Journal} and are replayed when it
 *       answers again. {@link io.amorsize.cache.InMemoryStore} serves single-JVM use and tests.</li>
 *   <li>{@link io.amorsize.cache.EntryCodec}: the strict wire format of a
 *       {@link io.amorsize.cache.CacheEntry} (bounded size and depth, no coercion, no type ids, optional
 *       HMAC-SHA256); anything that fails validation is a miss
 *       ({@link io.amorsize.cache.RejectedEntryException}), never used.</li>
 * </ul>
 * A store that cannot be reached is a miss, never a failed job. docs/CACHE.md describes the behaviour.
 */
package io.amorsize.cache;
