package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.RedisUrl.Endpoint;
import io.amorsize.cache.RedisUrl.Topology;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RedisUrlTest {

    @Test
    void standaloneWithCredentialsAndDatabase() {
        RedisUrl u = RedisUrl.parse("redis://app:s3cr%40t@cache.example.com:6380/2");
        assertEquals(Topology.STANDALONE, u.topology());
        assertFalse(u.tls());
        assertEquals(List.of(new Endpoint("cache.example.com", 6380)), u.endpoints());
        assertEquals("app", u.user());
        assertEquals("s3cr@t", u.password());
        assertEquals(2, u.database());
        assertEquals("redis://app:****@cache.example.com:6380/2", u.toString());
        assertFalse(u.toString().contains("s3cr"));
    }

    @Test
    void defaultsAndPasswordOnly() {
        RedisUrl u = RedisUrl.parse("rediss://:pw/with@chars@localhost");
        assertTrue(u.tls());
        assertEquals(6379, u.endpoints().get(0).port());
        assertNull(u.user());
        assertEquals("pw/with@chars", u.password());
        assertEquals(0, u.database());
        assertEquals("rediss://:****@localhost:6379", u.masked());
        assertEquals("redis://[::1]:7000", RedisUrl.parse("redis://[::1]:7000").masked());
    }

    @Test
    void sentinelAndCluster() {
        RedisUrl s = RedisUrl.parse("redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2/mymaster/3");
        assertEquals(Topology.SENTINEL, s.topology());
        assertEquals(List.of(new Endpoint("10.0.0.1", 26379), new Endpoint("10.0.0.2", 26379)), s.endpoints());
        assertEquals("mymaster", s.masterName());
        assertEquals(3, s.database());
        assertEquals("redis-sentinel://:****@10.0.0.1:26379,10.0.0.2:26379/mymaster/3", s.masked());

        RedisUrl c = RedisUrl.parse("rediss-cluster://a:7000,b:7001");
        assertEquals(Topology.CLUSTER, c.topology());
        assertTrue(c.tls());
        assertEquals(2, c.endpoints().size());
    }

    @Test
    void badUrlsNameTheProblemWithoutThePassword() {
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("http://x"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("localhost:6379"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://a,b"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://h:99999"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://h/x"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis-sentinel://h:26379"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis-cluster://h:7000/1"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://h?timeout=1"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RedisUrl.parse("redis://user:hunter2@host:notaport"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://hunter2@host"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals("redis://u:****@h:1 and redis://:****@x", RedisUrl.maskAny("redis://u:pw@h:1 and redis://:p@x"));
    }

    @Test
    void maskAnyMasksPasswordsWithSlashOrAt() {
        assertEquals("redis://u:****@h", RedisUrl.maskAny("redis://u:pa/ss@h"));
        assertEquals("redis://u:****@h:6379/0", RedisUrl.maskAny("redis://u:p@ss/w@h:6379/0"));
        assertEquals("rediss-sentinel://:****@s1:26379/m", RedisUrl.maskAny("rediss-sentinel://:a/b@c@s1:26379/m"));
        assertEquals("redis://h:6379/0", RedisUrl.maskAny("redis://h:6379/0"), "nothing to mask");
        // the parser reads the same credentials, so what it authenticates with is what is masked
        assertEquals("p@ss/w", RedisUrl.parse("redis://u:p@ss/w@h:6379/0").password());
    }
}
