package io.amorsize.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the Jedis client of a {@link CacheConfig}: standalone, Sentinel or Cluster by the URL's
 * topology, with the pool bounds, timeouts, client name, credentials and TLS (hostname verified,
 * optionally trusting exactly a CA file) of the configuration.
 */
final class RedisClients {

    private RedisClients() {}

    /** A new client for the configured topology (pooled, bounded waits, pre-filled pool). */
    static UnifiedJedis create(CacheConfig config) {
        RedisUrl url = config.redisUrl();
        JedisClientConfig cc = clientConfig(config, true);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.maxConnections());
        pool.setMaxIdle(config.maxConnections());
        // Keep the pool full (opened in the background), so that calls can borrow without connecting.
        pool.setMinIdle(config.maxConnections());
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(config.poolMaxWait());
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setJmxEnabled(false);
        List<HostAndPort> hosts = new ArrayList<>();
        for (RedisUrl.Endpoint e : url.endpoints()) {
            hosts.add(new HostAndPort(e.host(), e.port()));
        }
        switch (url.topology()) {
            case STANDALONE:
                return RedisClient.builder()
                        .hostAndPort(hosts.get(0))
                        .clientConfig(cc)
                        .poolConfig(pool)
                        .build();
            case SENTINEL:
                // rediss-sentinel://: the Sentinels are spoken to over TLS too (never plaintext); the URL's
                // credentials are the data nodes' (Sentinels without a password, or with Sentinel ACLs off)
                DefaultJedisClientConfig.Builder sb = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(millis(config.connectTimeout()))
                        .socketTimeoutMillis(millis(config.socketTimeout()))
                        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                        .resp2();
                tls(config, sb);
                JedisClientConfig sentinelCfg = sb.build();
                return RedisSentinelClient.builder()
                        .masterName(url.masterName())
                        .sentinels(new LinkedHashSet<>(hosts))
                        .clientConfig(cc)
                        .sentinelClientConfig(sentinelCfg)
                        .poolConfig(pool)
                        .build();
            case CLUSTER:
                return RedisClusterClient.builder()
                        .nodes(new LinkedHashSet<>(hosts))
                        .clientConfig(cc)
                        .poolConfig(pool)
                        .maxAttempts(2)
                        .maxTotalRetriesDuration(config.deadline())
                        .build();
            default:
                throw new IllegalStateException("unknown topology " + url.topology());
        }
    }

    private static JedisClientConfig clientConfig(CacheConfig config, boolean data) {
        RedisUrl url = config.redisUrl();
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(config.connectTimeout()))
                .socketTimeoutMillis(millis(config.socketTimeout()))
                .clientName(config.clientName() + "-" + ProcessHandle.current().pid())
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                // RESP2, stated: no HELLO negotiation with its fallback (one handshake, not two, per connect)
                .resp2();
        if (data && url.database() != 0) {
            b.database(url.database());
        }
        if (url.password() != null) {
            if (url.user() != null) {
                b.user(url.user());
            }
            b.password(url.password());
        }
        tls(config, b);
        return b.build();
    }

    /** TLS for a {@code rediss} URL: hostname verified, trusting exactly the CA file when one is set. */
    private static void tls(CacheConfig config, DefaultJedisClientConfig.Builder b) {
        if (config.redisUrl().tls()) {
            SSLParameters params = new SSLParameters();
            // Verify that the certificate names the host we connect to (no silent MITM).
            params.setEndpointIdentificationAlgorithm("HTTPS");
            b.ssl(true).sslParameters(params);
            if (config.tlsCaFile() != null) {
                b.sslSocketFactory(sslContext(config).getSocketFactory());
            }
        }
    }

    /** An SSL context trusting exactly the PEM certificates in the configured CA file. */
    static SSLContext sslContext(CacheConfig config) {
        try (InputStream in = Files.newInputStream(config.tlsCaFile())) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("tlsCaFile " + config.tlsCaFile() + " holds no PEM certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "tlsCaFile " + config.tlsCaFile() + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
