package io.amorsize.cli;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.FileStore;
import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RedisStore;
import java.time.Duration;

/**
 * The production {@link StoreOpener}: the Redis store when the target has a URL (no file fallback:
 * an operator command must say when Redis is unreachable, not quietly read the local file), else
 * the local file store.
 */
final class Stores {

    private Stores() {}

    static RecommendationStore open(Target t) {
        if (t.isRedis()) {
            return new RedisStore(config(t).build());
        }
        CacheConfig c = config(t).build();
        return FileStore.forConfig(c);
    }

    /**
     * The cache configuration of a target, with timeouts for an interactive tool (longer than a job's:
     * a SCAN over many keys may take a while, and nothing waits on the CLI).
     */
    static CacheConfig.Builder config(Target t) {
        CacheConfig.Builder b = CacheConfig.builder()
                .keyPrefix(t.prefix())
                .fallbackDir(t.cacheDir())
                .clientName("amorsize-cli")
                .connectTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .deadline(Duration.ofSeconds(15));
        if (t.isRedis()) {
            b.redisUrl(t.redis());
        }
        if (t.secret() != null) {
            b.hmacSecret(t.secret());
        }
        if (t.caFile() != null) {
            b.tlsCaFile(t.caFile());
        }
        return b;
    }
}
