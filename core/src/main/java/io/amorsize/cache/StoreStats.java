package io.amorsize.cache;

/**
 * Cache statistics: the Python original's {@code get_distributed_cache_stats} fields plus this
 * JVM's counters. Server fields are -1 / "" when the server is unreachable or not a server.
 *
 * @param enabled          a shared (Redis) store is configured and was reachable when last tried
 * @param backend          "redis", "file", "redis+file", "memory"
 * @param keyCount         keys under the prefix (SCAN count; never KEYS)
 * @param memoryUsedBytes  server memory used
 * @param serverVersion    e.g. "7.0.15"
 * @param connectedClients clients connected to the server
 * @param uptimeSeconds    server uptime
 * @param hits             this JVM's hits
 * @param misses           this JVM's misses
 * @param fallbacks        this JVM's reads or writes served by the file because Redis was unavailable
 * @param rejected         this JVM's entries rejected by validation (bad JSON, bounds, HMAC)
 * @param breakerState     "CLOSED", "OPEN", "HALF_OPEN", or "" without a breaker
 */
public record StoreStats(
        boolean enabled,
        String backend,
        long keyCount,
        long memoryUsedBytes,
        String serverVersion,
        long connectedClients,
        long uptimeSeconds,
        long hits,
        long misses,
        long fallbacks,
        long rejected,
        String breakerState) {}
