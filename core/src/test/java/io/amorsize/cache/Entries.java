package io.amorsize.cache;

import io.amorsize.Action;
import io.amorsize.measure.CostProfile;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.recommend.CacheKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Optional;

/** Sample entries and a Java-serialization codec for tests of the Redis plumbing. */
final class Entries {

    private Entries() {
    }

    static final ClusterShape CLUSTER = new ClusterShape("local", "1.0", 4, 1L << 30, 5e6);

    static CacheEntry sample(String key) {
        return sample(key, 1_700_000_000_000L);
    }

    static CacheEntry sample(String key, long createdAt) {
        return new CacheEntry(CacheKey.SCHEMA_VERSION, key, CostProfile.of(50_000, 0.2, 100, 120), CLUSTER,
                Workload.of(100_000, 8), 16, 64, Action.REPARTITION, createdAt);
    }

    /** Java serialization: enough to test transport; the real codec is strict JSON. */
    static final RedisStore.Codec JAVA = new RedisStore.Codec() {
        @Override
        public byte[] encode(String key, CacheEntry entry) {
            try (ByteArrayOutputStream b = new ByteArrayOutputStream(); ObjectOutputStream o = new ObjectOutputStream(b)) {
                o.writeObject(entry);
                o.flush();
                return b.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Optional<CacheEntry> decode(String key, byte[] bytes) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                CacheEntry e = (CacheEntry) in.readObject();
                return e.key().equals(key) ? Optional.of(e) : Optional.empty();
            } catch (IOException | ClassNotFoundException | ClassCastException e) {
                return Optional.empty();
            }
        }
    };
}
