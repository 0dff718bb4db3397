package io.amorsize.cache;

import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable configuration of the shared cache: where Redis is, how long a call may take, where the
 * local fallback lives, and the HMAC secret. Build with {@link #builder()} or from resolved options
 * with {@link #fromSettings(Settings)}. The builder fails fast with a message naming the conflict;
 * {@link #toString()} masks the password and the secret.
 *
 * <p>Every Redis call is bounded by {@link #deadline()} whatever the client does (DNS, pool waits,
 * retries); {@link #poolMaxWait()} is always finite.
 */
public final class CacheConfig {

    private static final Logger LOG = LoggerFactory.getLogger(CacheConfig.class);
    /** The WARN about a password inside an engine's redis.url is logged once per JVM. */
    private static final AtomicBoolean URL_PASSWORD_WARNED = new AtomicBoolean();

    private final RedisUrl redisUrl;
    private final String keyPrefix;
    private final Duration ttl;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final int maxConnections;
    private final Duration poolMaxWait;
    private final Duration deadline;
    private final Duration breakerCooldown;
    private final Path fallbackDir;
    private final String hmacSecret;
    private final boolean requireSignature;
    private final String clientName;
    private final Path tlsCaFile;

    private CacheConfig(Builder b) {
        this.redisUrl = b.redisUrl;
        this.keyPrefix = b.keyPrefix;
        this.ttl = b.ttl;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
        this.maxConnections = b.maxConnections;
        this.poolMaxWait = b.poolMaxWait;
        this.deadline = b.deadline;
        this.breakerCooldown = b.breakerCooldown;
        this.fallbackDir = b.fallbackDir;
        this.hmacSecret = b.hmacSecret;
        this.requireSignature = b.requireSignature;
        this.clientName = b.clientName;
        this.tlsCaFile = b.tlsCaFile;
    }

    /** A builder with every default (no Redis: local file only). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.redisUrl = redisUrl;
        b.keyPrefix = keyPrefix;
        b.ttl = ttl;
        b.connectTimeout = connectTimeout;
        b.socketTimeout = socketTimeout;
        b.maxConnections = maxConnections;
        b.poolMaxWait = poolMaxWait;
        b.deadline = deadline;
        b.breakerCooldown = breakerCooldown;
        b.fallbackDir = fallbackDir;
        b.hmacSecret = hmacSecret;
        b.requireSignature = requireSignature;
        b.clientName = clientName;
        b.tlsCaFile = tlsCaFile;
        return b;
    }

    /** The cache options of resolved {@link Settings} (environment, engine configuration, per-call). */
    public static CacheConfig fromSettings(Settings s) {
        Objects.requireNonNull(s, "settings");
        Builder b = builder()
                .keyPrefix(s.get(Options.CACHE_PREFIX))
                .ttl(s.get(Options.CACHE_TTL))
                .connectTimeout(s.get(Options.REDIS_CONNECT_TIMEOUT))
                .socketTimeout(s.get(Options.REDIS_SOCKET_TIMEOUT))
                .maxConnections(s.get(Options.REDIS_MAX_CONNECTIONS))
                .poolMaxWait(s.get(Options.REDIS_POOL_MAX_WAIT))
                .deadline(s.get(Options.REDIS_DEADLINE))
                .breakerCooldown(s.get(Options.BREAKER_COOLDOWN))
                .fallbackDir(s.get(Options.CACHE_DIR))
                .clientName(s.get(Options.REDIS_CLIENT_NAME))
                .tlsCaFile(s.get(Options.REDIS_CA_FILE))
                .requireSignature(s.get(Options.CACHE_REQUIRE_SIGNATURE));
        String url = s.get(Options.REDIS_URL);
        if (url != null) {
            RedisUrl parsed = RedisUrl.parse(url);
            if (parsed.password() != null
                    && s.origin(Options.REDIS_URL) == Settings.Origin.ENGINE
                    && URL_PASSWORD_WARNED.compareAndSet(false, true)) {
                LOG.warn(
                        "amorsize cache: redis.url from the {} carries a password, which the engine shows in its UI, "
                                + "event logs and process list; set redis.password (spark.amorsize.redis.password, "
                                + "amorsize.redis.password) or AMORSIZE_REDIS_PASSWORD instead: the engines redact those",
                        s.originLabel(Options.REDIS_URL));
            }
            b.redisUrl(withCredentials(parsed, s.get(Options.REDIS_USERNAME), s.get(Options.REDIS_PASSWORD)));
        } else if (s.get(Options.REDIS_USERNAME) != null
                && s.origin(Options.REDIS_USERNAME) != Settings.Origin.ENVIRONMENT) {
            throw new IllegalArgumentException("redis.username is set but redis.url is not");
        }
        String secret = s.get(Options.CACHE_SECRET);
        if (secret != null) {
            b.hmacSecret(secret);
        }
        return b.build();
    }

    /** Lets a test see the once-per-JVM WARN again. */
    static void resetUrlPasswordWarning() {
        URL_PASSWORD_WARNED.set(false);
    }

    /**
     * {@code url} with the user and password of the {@code redis.username} / {@code redis.password}
     * options where set (they win over the URL's).
     */
    static RedisUrl withCredentials(RedisUrl url, String user, String password) {
        if (user == null && password == null) {
            return url;
        }
        String p = password != null ? password : url.password();
        if (p == null) {
            throw new IllegalArgumentException("redis.username is set without a password: set redis.password too");
        }
        String u = user != null ? user : url.user();
        return new RedisUrl(url.topology(), url.tls(), url.endpoints(), u, p, url.database(), url.masterName());
    }

    /** Redis, or null for local file only. */
    public RedisUrl redisUrl() {
        return redisUrl;
    }

    public boolean redisConfigured() {
        return redisUrl != null;
    }

    /** Prefix of every key (default {@code amorsize:}). */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Time to live of an entry (default 7 days). */
    public Duration ttl() {
        return ttl;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration socketTimeout() {
        return socketTimeout;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Longest wait for a pooled connection; always finite and shorter than {@link #deadline()}. */
    public Duration poolMaxWait() {
        return poolMaxWait;
    }

    /** Overall bound on one cache call. */
    public Duration deadline() {
        return deadline;
    }

    /** How long Redis is skipped after a failure before one probe. */
    public Duration breakerCooldown() {
        return breakerCooldown;
    }

    /** Directory of the local fallback file and journal. */
    public Path fallbackDir() {
        return fallbackDir;
    }

    /** True when every entry must carry a valid HMAC (then {@link #hmacSecret()} is set). */
    public boolean requireSignature() {
        return requireSignature;
    }

    /** HMAC-SHA256 secret, or null. Never logged. */
    public String hmacSecret() {
        return hmacSecret;
    }

    /** CLIENT SETNAME prefix; the process id is appended. */
    public String clientName() {
        return clientName;
    }

    /** PEM CA file for rediss:// with a private CA, or null for the JVM's trust store. */
    public Path tlsCaFile() {
        return tlsCaFile;
    }

    @Override
    public String toString() {
        return "CacheConfig{redisUrl=" + (redisUrl == null ? "(none)" : redisUrl.masked())
                + ", keyPrefix=" + keyPrefix + ", ttl=" + ttl + ", connectTimeout=" + connectTimeout.toMillis() + "ms"
                + ", socketTimeout=" + socketTimeout.toMillis() + "ms, maxConnections=" + maxConnections
                + ", poolMaxWait=" + poolMaxWait.toMillis() + "ms, deadline=" + deadline.toMillis() + "ms"
                + ", breakerCooldown=" + breakerCooldown.toMillis() + "ms, fallbackDir=" + fallbackDir
                + ", hmacSecret=" + (hmacSecret == null ? "(none)" : "****") + ", requireSignature=" + requireSignature
                + ", clientName=" + clientName
                + ", tlsCaFile=" + (tlsCaFile == null ? "(none)" : tlsCaFile) + "}";
    }

    /** Mutable builder; {@link #build()} validates everything together. */
    public static final class Builder {
        private RedisUrl redisUrl;
        private String keyPrefix = Options.CACHE_PREFIX.defaultValue();
        private Duration ttl = Options.CACHE_TTL.defaultValue();
        private Duration connectTimeout = Options.REDIS_CONNECT_TIMEOUT.defaultValue();
        private Duration socketTimeout = Options.REDIS_SOCKET_TIMEOUT.defaultValue();
        private int maxConnections = Options.REDIS_MAX_CONNECTIONS.defaultValue();
        private Duration poolMaxWait = Options.REDIS_POOL_MAX_WAIT.defaultValue();
        private Duration deadline = Options.REDIS_DEADLINE.defaultValue();
        private Duration breakerCooldown = Options.BREAKER_COOLDOWN.defaultValue();
        private Path fallbackDir = Options.CACHE_DIR.defaultValue();
        private String hmacSecret;
        private boolean requireSignature = Options.CACHE_REQUIRE_SIGNATURE.defaultValue();
        private String clientName = Options.REDIS_CLIENT_NAME.defaultValue();
        private Path tlsCaFile;

        private Builder() {}

        /** Parses and sets the Redis URL (see {@link RedisUrl}); null = no Redis. */
        public Builder redisUrl(String url) {
            this.redisUrl = url == null ? null : RedisUrl.parse(url);
            return this;
        }

        public Builder redisUrl(RedisUrl url) {
            this.redisUrl = url;
            return this;
        }

        public Builder keyPrefix(String prefix) {
            this.keyPrefix = Objects.requireNonNull(prefix, "keyPrefix");
            return this;
        }

        public Builder ttl(Duration ttl) {
            this.ttl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d, "connectTimeout");
            return this;
        }

        public Builder socketTimeout(Duration d) {
            this.socketTimeout = Objects.requireNonNull(d, "socketTimeout");
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder poolMaxWait(Duration d) {
            this.poolMaxWait = Objects.requireNonNull(d, "poolMaxWait");
            return this;
        }

        public Builder deadline(Duration d) {
            this.deadline = Objects.requireNonNull(d, "deadline");
            return this;
        }

        public Builder breakerCooldown(Duration d) {
            this.breakerCooldown = Objects.requireNonNull(d, "breakerCooldown");
            return this;
        }

        public Builder fallbackDir(Path dir) {
            this.fallbackDir = Objects.requireNonNull(dir, "fallbackDir");
            return this;
        }

        /**
         * Reject every entry without a valid HMAC (an unsigned entry, or one signed by someone else).
         * Needs {@link #hmacSecret}: without a secret nothing can be verified, so {@link #build()} refuses.
         */
        public Builder requireSignature(boolean require) {
            this.requireSignature = require;
            return this;
        }

        /** HMAC-SHA256 secret (null = entries are not authenticated). */
        public Builder hmacSecret(String secret) {
            this.hmacSecret = secret;
            return this;
        }

        public Builder clientName(String name) {
            this.clientName = Objects.requireNonNull(name, "clientName");
            return this;
        }

        /** PEM CA certificate(s) trusted for rediss:// (null = the JVM's default trust store). */
        public Builder tlsCaFile(Path caFile) {
            this.tlsCaFile = caFile;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the offending setting or the conflict
         */
        public CacheConfig build() {
            if (keyPrefix.isEmpty()
                    || keyPrefix
                            .chars()
                            .anyMatch(c -> c == '*'
                                    || c == '?'
                                    || c == '['
                                    || c == ']'
                                    || c == '\\'
                                    || Character.isWhitespace(c))) {
                throw new IllegalArgumentException("keyPrefix must be non-empty without glob characters "
                        + "(*, ?, [, ], \\) or spaces, got '" + keyPrefix + "'");
            }
            positive("ttl", ttl);
            positive("connectTimeout", connectTimeout);
            positive("socketTimeout", socketTimeout);
            positive("deadline", deadline);
            positive("breakerCooldown", breakerCooldown);
            if (poolMaxWait.isNegative() || poolMaxWait.isZero()) {
                throw new IllegalArgumentException(
                        "poolMaxWait must be > 0 (a pool must never wait forever), got " + poolMaxWait);
            }
            if (poolMaxWait.compareTo(deadline) >= 0) {
                throw new IllegalArgumentException("poolMaxWait (" + poolMaxWait.toMillis()
                        + " ms) must be shorter than deadline (" + deadline.toMillis()
                        + " ms): a borrower would hit the deadline before the pool gives up");
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
            }
            if (ttl.toMillis() < 1) {
                throw new IllegalArgumentException("ttl must be at least 1 ms, got " + ttl);
            }
            if (hmacSecret != null && hmacSecret.isEmpty()) {
                throw new IllegalArgumentException("hmacSecret must not be empty when set (use null for none)");
            }
            if (requireSignature && hmacSecret == null) {
                throw new IllegalArgumentException("cache.require-signature is true but no cache.secret is set ("
                        + Options.CACHE_SECRET.envVar() + "): without the secret no signature can be verified; set the "
                        + "secret or turn cache.require-signature off");
            }
            if (clientName.isEmpty() || clientName.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException(
                        "clientName must be non-empty printable ASCII without spaces, got '" + clientName + "'");
            }
            if (tlsCaFile != null) {
                if (redisUrl == null) {
                    throw new IllegalArgumentException("tlsCaFile is set but no redisUrl is configured");
                }
                if (!redisUrl.tls()) {
                    throw new IllegalArgumentException("tlsCaFile is set but redisUrl " + redisUrl.masked()
                            + " is not TLS: use rediss:// (plaintext would ignore the CA)");
                }
            }
            return new CacheConfig(this);
        }

        private static void positive(String name, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0, got " + d);
            }
        }
    }
}
