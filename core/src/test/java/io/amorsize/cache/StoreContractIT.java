package io.amorsize.cache;

import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.testing.FakeStore;
import io.amorsize.testing.RedisExtension;
import io.amorsize.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link RecommendationStoreContract} against every store, and against the test fake. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreContractIT {

    private static final EntryCodec SIGNED = EntryCodec.withSecret("contract-secret");

    @Nested
    class InMemory extends RecommendationStoreContract {
        @Override
        RecommendationStore open(String prefix) {
            return new InMemoryStore(Source.CACHE_REDIS, prefix);
        }

        @Override
        Source hitSource() {
            return Source.CACHE_REDIS;
        }

        @Override
        boolean locks() {
            return true;
        }
    }

    @Nested
    class File extends RecommendationStoreContract {
        @TempDir
        Path dir;

        @Override
        RecommendationStore open(String prefix) {
            return new FileStore(dir, prefix, Duration.ofDays(7), SIGNED);
        }

        @Override
        Source hitSource() {
            return Source.CACHE_FILE;
        }

        @Override
        boolean locks() {
            return false;
        }
    }

    @Nested
    @ExtendWith(RedisExtension.class)
    class Redis extends RecommendationStoreContract {
        private String url;

        @BeforeEach
        void redis(TestRedis redis) {
            url = redis.url();
        }

        @Override
        RecommendationStore open(String prefix) {
            CacheConfig cfg = CacheConfig.builder()
                    .redisUrl(url)
                    .keyPrefix(prefix)
                    .ttl(Duration.ofHours(1))
                    .build();
            return new RedisStore(cfg, SIGNED, Ticker.system());
        }

        @Override
        String prefix() {
            return TestRedis.uniquePrefix("contract");
        }

        @Override
        Source hitSource() {
            return Source.CACHE_REDIS;
        }

        @Override
        boolean locks() {
            return true;
        }
    }

    /** The production composition with a primary that answers. */
    @Nested
    class Fallback extends RecommendationStoreContract {
        @TempDir
        Path dir;

        @Override
        RecommendationStore open(String prefix) {
            return new FallbackStore(
                    new FakeStore(prefix, SIGNED), new FileStore(dir, prefix, Duration.ofDays(7), SIGNED));
        }

        @Override
        Source hitSource() {
            return Source.CACHE_REDIS;
        }

        @Override
        boolean locks() {
            return true;
        }
    }

    /** The same with the primary down: the file serves every call, and nothing throws. */
    @Nested
    class FallbackWithPrimaryDown extends RecommendationStoreContract {
        @TempDir
        Path dir;

        @Override
        RecommendationStore open(String prefix) {
            FakeStore primary = new FakeStore(prefix, SIGNED);
            primary.down.set(true);
            return new FallbackStore(primary, new FileStore(dir, prefix, Duration.ofDays(7), SIGNED));
        }

        @Override
        Source hitSource() {
            return Source.CACHE_FILE;
        }

        @Override
        boolean locks() {
            return false;
        }
    }

    /** The fake the other tests use behaves like a store. */
    @Nested
    class Fake extends RecommendationStoreContract {
        @Override
        RecommendationStore open(String prefix) {
            return new FakeStore(prefix, SIGNED);
        }

        @Override
        Source hitSource() {
            return Source.CACHE_REDIS;
        }

        @Override
        boolean locks() {
            return true;
        }
    }
}
