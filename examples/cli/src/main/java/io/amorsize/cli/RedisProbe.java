package io.amorsize.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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

    private RedisProbe() {
    }

    /** Server-wide counters from INFO stats. */
    record ServerCounters(long keyspaceHits, long keyspaceMisses) {
    }

    static ServerCounters serverCounters(Target t) {
        try (Jedis j = connect(t, 2000)) {
            String info = j.info("stats");
            return new ServerCounters(infoLong(info, "keyspace_hits"), infoLong(info, "keyspace_misses"));
        } catch (RuntimeException e) {
            return new ServerCounters(-1, -1);
        }
    }

    /** A single connection (not pooled), authenticated, database selected, TLS verified for rediss://. */
    static Jedis connect(Target t, int timeoutMillis) {
        URI uri = Target.parseRedisUrl(t.redisUrl(), t.urlOrigin());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("amorsize-cli");
        String ui = uri.getRawUserInfo();
        if (ui != null) {
            int colon = ui.indexOf(':');
            String user = colon >= 0 ? ui.substring(0, colon) : "";
            String pw = colon >= 0 ? ui.substring(colon + 1) : ui;
            if (!user.isEmpty()) {
                b.user(URLDecoder.decode(user, StandardCharsets.UTF_8));
            }
            if (!pw.isEmpty()) {
                b.password(URLDecoder.decode(pw, StandardCharsets.UTF_8));
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            b.database(Integer.parseInt(path.substring(1)));
        }
        if (tls(uri)) {
            b.ssl(true).sslSocketFactory(sslFactory(t.caFile())).sslParameters(verifyingParameters());
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        Jedis j = new Jedis(new HostAndPort(uri.getHost(), port), b.build());
        try {
            j.ping();
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
        return j;
    }

    static boolean tls(URI uri) {
        return "rediss".equalsIgnoreCase(uri.getScheme());
    }

    /** Result of a bare TLS handshake. */
    record Handshake(String protocol, String cipher, String peer) {
    }

    /** Handshakes with the server the way the client will (same trust, hostname verification on). */
    static Handshake handshake(Target t, int timeoutMillis) throws IOException {
        URI uri = Target.parseRedisUrl(t.redisUrl(), t.urlOrigin());
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(uri.getHost(), port), timeoutMillis);
            raw.setSoTimeout(timeoutMillis);
            try (SSLSocket s = (SSLSocket) sslFactory(t.caFile()).createSocket(raw, uri.getHost(), port, true)) {
                s.setSSLParameters(verifyingParameters());
                s.startHandshake();
                var session = s.getSession();
                String peer = session.getPeerCertificates().length > 0 && session.getPeerCertificates()[0] instanceof X509Certificate x
                        ? x.getSubjectX500Principal().getName() : "?";
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
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
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
