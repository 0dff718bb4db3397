package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.key.CacheKey;
import io.amorsize.testing.RedisServerProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12: with {@code cache.require-signature}, a store built from the configuration rejects an
 * unsigned entry and one signed with another secret (both planted in a real Redis), and reads its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSignatureIT {

    private static final String PREFIX = "amorsize-sig:";

    @Test
    void requireSignatureRejectsUnsignedAndForeignEntries() {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            CacheConfig open = CacheConfig.builder()
                    .redisUrl(server.url())
                    .keyPrefix(PREFIX)
                    .build();
            CacheConfig strict =
                    open.toBuilder().hmacSecret("ours").requireSignature(true).build();
            CacheConfig foreign = open.toBuilder().hmacSecret("theirs").build();
            CacheKey unsigned = Entries.key("unsigned:n1:c");
            CacheKey theirs = Entries.key("theirs:n1:c");
            CacheKey ours = Entries.key("ours:n1:c");
            try (RedisStore openStore = new RedisStore(open);
                    RedisStore foreignStore = new RedisStore(foreign);
                    RedisStore strictStore = new RedisStore(strict)) {
                openStore.put(unsigned, Entries.sample(unsigned));
                foreignStore.put(theirs, Entries.sample(theirs));
                strictStore.put(ours, Entries.sample(ours));
                assertTrue(strictStore.get(unsigned).isEmpty(), "an unsigned entry is rejected");
                assertTrue(strictStore.get(theirs).isEmpty(), "an entry signed with another secret is rejected");
                assertEquals(
                        Entries.sample(ours),
                        strictStore.get(ours).orElseThrow().entry());
                assertEquals(2, strictStore.stats().rejected());
                assertTrue(
                        openStore.get(theirs).isPresent(),
                        "without a secret (and without the option) MACs are not checked");
            }
        }
    }
}
