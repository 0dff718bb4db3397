package io.amorsize.cli;

import io.amorsize.cache.RedisUrl;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** Direct Redis connections for {@code doctor} and the server counters of {@code stats}. */
final class RedisProbe {

    private RedisProbe() {}

    /** Server-wide counters from INFO stats. */
    record ServerCounters(long keyspaceHits, long keyspaceMisses) {}

    static ServerCounters serverCounters(Target t) {
        if (t.redis().topology() != RedisUrl.Topology.STANDALONE) {
            return new ServerCounters(-1, -1);
        }
        try (Jedis j = connect(t, 2000)) {
            String info = j.info("stats");
            return new ServerCounters(infoLong(info, "keyspace_hits"), infoLong(info, "keyspace_misses"));
        } catch (RuntimeException e) {
            return new ServerCounters(-1, -1);
        }
    }

    /** A single connection (not pooled) to a standalone server: authenticated, database selected, TLS verified. */
    @SuppressWarnings("deprecation") // ssl(...) setters: the same client configuration RedisStore uses in Jedis 8.0.2
    static Jedis connect(Target t, int timeoutMillis) {
        RedisUrl u = t.redis();
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .autoNegotiateProtocol(false)
                .clientName("amorsize-cli")
                .database(u.database());
        if (u.user() != null) {
            b.user(u.user());
        }
        if (u.password() != null) {
            b.password(u.password());
        }
        if (u.tls()) {
            b.ssl(true).sslSocketFactory(sslFactory(t.caFile())).sslParameters(verifyingParameters());
        }
        RedisUrl.Endpoint e = u.endpoints().get(0);
        Jedis j = new Jedis(new HostAndPort(e.host(), e.port()), b.build());
        try {
            j.ping();
        } catch (RuntimeException ex) {
            j.close();
            throw ex;
        }
        return j;
    }

    /** Result of a bare TLS handshake. */
    record Handshake(String protocol, String cipher, String peer) {}

    /** Handshakes with the first endpoint the way the client will (same trust, hostname verification on). */
    static Handshake handshake(Target t, int timeoutMillis) throws IOException {
        RedisUrl.Endpoint e = t.redis().endpoints().get(0);
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(e.host(), e.port()), timeoutMillis);
            raw.setSoTimeout(timeoutMillis);
            try (SSLSocket s = (SSLSocket) sslFactory(t.caFile()).createSocket(raw, e.host(), e.port(), true)) {
                s.setSSLParameters(verifyingParameters());
                s.startHandshake();
                var session = s.getSession();
                String peer = session.getPeerCertificates().length > 0
                                && session.getPeerCertificates()[0] instanceof X509Certificate x
                        ? x.getSubjectX500Principal().getName()
                        : "?";
                return new Handshake(session.getProtocol(), session.getCipherSuite(), peer);
            }
        } finally {
            raw.close();
        }
    }

    private static SSLParameters verifyingParameters() {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    /** The JVM's default trust, or only the CAs in {@code caFile} (PEM) when given. */
    static SSLSocketFactory sslFactory(Path caFile) {
        if (caFile == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw CliException.usage("--tls-ca-file " + caFile + ": no certificate in the file");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException e) {
            throw CliException.usage("--tls-ca-file " + caFile + ": cannot read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CliException.usage("--tls-ca-file " + caFile + ": not a PEM certificate: " + e.getMessage());
        }
    }

    static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "";
    }

    static long infoLong(String info, String field) {
        try {
            return Long.parseLong(infoField(info, field));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
