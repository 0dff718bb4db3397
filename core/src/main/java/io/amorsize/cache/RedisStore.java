package io.amorsize.cache;

import io.amorsize.Source;
import io.amorsize.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared store on Redis (standalone, Sentinel or Cluster, optionally TLS) through Jedis 8.
 *
 * <ul>
 *   <li>Values are codec bytes (strict JSON, HMAC when a secret is set) written with {@code SET PX ttl}.
 *       A value that fails validation is a miss, counted as rejected, and never returned.</li>
 *   <li>Every call is bounded by {@link CacheConfig#deadline()} whatever Jedis does (DNS, pool waits,
 *       reconnects): it runs on a small worker pool and the caller stops waiting at the deadline.
 *       Connection-family failures and timeouts throw {@link StoreUnavailableException}; error
 *       replies from the server (e.g. {@code NOPERM}) throw {@link StoreServerException}.</li>
 *   <li>A {@link CircuitBreaker} skips Redis for {@link CacheConfig#breakerCooldown()} after a failure,
 *       so while it is open calls fail in microseconds.</li>
 *   <li>{@link #scan} uses SCAN MATCH (never KEYS) and {@link #clear} SCAN + UNLINK, both only inside
 *       the key prefix; nothing here ever sends FLUSHDB or FLUSHALL.</li>
 *   <li>{@link #tryLock} is {@code SET lockKey token NX PX lease}; release deletes only if the token
 *       still matches (a Lua compare-and-delete).</li>
 * </ul>
 * Connections are named {@code CLIENT SETNAME <clientName>-<pid>}.
 */
public final class RedisStore implements RecommendationStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    /** Deletes KEYS[1] only if it still holds ARGV[1]. */
    static final String COMPARE_AND_DELETE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private static final int SCAN_COUNT = 500;
    private static final int MAX_SCAN_PAGES = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CacheConfig config;
    private final RedisUrl url;
    private final EntryCodec codec;
    private final CircuitBreaker breaker;
    private final ThreadPoolExecutor workers;
    private final long deadlineNanos;
    /** poolMaxWait + socketTimeout fit in the deadline: a call on a pre-filled pool may run on the caller's thread. */
    private final boolean callerThreadBounded;
    private final String prefix;
    private final Object clientLock = new Object();
    private volatile UnifiedJedis client;
    private volatile boolean lastCallReachedRedis;
    private volatile boolean closed;
    private final AtomicBoolean refilling = new AtomicBoolean();

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final Set<String> rejectedKeysLogged = ConcurrentHashMap.newKeySet();

    /**
     * A store for {@code config} (which must name a Redis URL), with the strict codec and the HMAC
     * secret of the configuration. Does not connect: the first call does, within the deadline.
     *
     * @throws IllegalArgumentException when no Redis URL is configured, or the TLS CA file is unusable
     */
    public RedisStore(CacheConfig config) {
        this(config, EntryCodec.withSecret(Objects.requireNonNull(config, "config").hmacSecret()), Ticker.system());
    }

    RedisStore(CacheConfig config, EntryCodec codec, Ticker ticker) {
        if (Objects.requireNonNull(config, "config").redisUrl() == null) {
            throw new IllegalArgumentException("config has no redisUrl: a RedisStore needs one");
        }
        if (config.tlsCaFile() != null) {
            sslContext(config); // fail fast on an unreadable CA file
        }
        this.config = Objects.requireNonNull(config, "config");
        this.url = Objects.requireNonNull(config.redisUrl(), "config.redisUrl (no Redis configured)");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.breaker = new CircuitBreaker(config.breakerCooldown(), Objects.requireNonNull(ticker, "ticker"));
        this.deadlineNanos = config.deadline().toNanos();
        this.callerThreadBounded = config.poolMaxWait().plus(config.socketTimeout()).compareTo(config.deadline()) <= 0;
        this.prefix = config.keyPrefix();
        // Bounded: a few more threads than connections (so pool waits, not thread starvation, decide),
        // a short queue for bursts; a task whose caller gave up at the deadline is cancelled unrun.
        int threads = 2 * config.maxConnections() + 2;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(2 * threads), r -> {
                    Thread t = new Thread(r, "amorsize-redis-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** The key prefix every key of this store starts with. */
    public String keyPrefix() {
        return prefix;
    }

    /** The configuration this store was built from. */
    public CacheConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- store API

    @Override
    public Optional<CacheHit> get(String key) {
        requireInPrefix(key);
        byte[] raw = call("GET", c -> c.get(bytes(key)));
        if (raw == null) {
            misses.increment();
            return Optional.empty();
        }
        CacheEntry entry;
        try {
            entry = codec.decode(key, raw);
        } catch (RejectedEntryException | RuntimeException e) {
            rejected.increment();
            misses.increment();
            if (rejectedKeysLogged.size() < 1000 && rejectedKeysLogged.add(key)) {
                LOG.warn("amorsize cache: rejected the Redis entry under {} ({} bytes): {}; treated as a miss",
                        key, raw.length, e.getMessage());
            } else {
                LOG.debug("amorsize cache: rejected the Redis entry under {}: {}", key, e.getMessage());
            }
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(new CacheHit(entry, Source.CACHE_REDIS));
    }

    @Override
    public void put(String key, CacheEntry entry) {
        requireInPrefix(key);
        Objects.requireNonNull(entry, "entry");
        if (!key.equals(entry.key())) {
            throw new IllegalArgumentException("entry.key '" + entry.key() + "' differs from key '" + key + "'");
        }
        putRaw(key, codec.encode(entry));
    }

    /** Writes already-encoded bytes (journal replay, benchmarks, tests) with the TTL. */
    void putRaw(String key, byte[] value) {
        requireInPrefix(key);
        long ttlMillis = config.ttl().toMillis();
        call("SET", c -> c.set(bytes(key), value, SetParams.setParams().px(ttlMillis)));
    }

    /** The raw bytes under {@code key}, or null (no validation). */
    byte[] getRaw(String key) {
        requireInPrefix(key);
        return call("GET", c -> c.get(bytes(key)));
    }

    @Override
    public boolean delete(String key) {
        requireInPrefix(key);
        return call("UNLINK", c -> c.unlink(key)) > 0;
    }

    /**
     * Keys matching {@code pattern} (a Redis glob over full keys); a pattern that does not start with
     * the key prefix gets it prepended, so nothing outside the prefix is ever listed.
     */
    @Override
    public List<String> scan(String pattern) {
        String match = scoped(pattern);
        if (url.topology() == RedisUrl.Topology.CLUSTER) {
            return scanCluster(match);
        }
        Set<String> keys = new LinkedHashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(match).count(SCAN_COUNT);
        for (int page = 0; page < MAX_SCAN_PAGES; page++) {
            String cur = cursor;
            ScanResult<String> r = call("SCAN", c -> c.scan(cur, params));
            keys.addAll(r.getResult());
            cursor = r.getCursor();
            if (ScanParams.SCAN_POINTER_START.equals(cursor)) {
                break;
            }
        }
        return List.copyOf(keys);
    }

    private List<String> scanCluster(String match) {
        Map<String, ConnectionPool> nodes = call("CLUSTER NODES", c -> ((RedisClusterClient) c).getClusterNodes());
        Set<String> keys = new LinkedHashSet<>();
        ScanParams params = new ScanParams().match(match).count(SCAN_COUNT);
        for (ConnectionPool pool : nodes.values()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            for (int page = 0; page < MAX_SCAN_PAGES; page++) {
                String cur = cursor;
                ScanResult<String> r = call("SCAN", c -> {
                    try (Connection conn = pool.getResource()) {
                        return new Jedis(conn).scan(cur, params);
                    }
                });
                keys.addAll(r.getResult());
                cursor = r.getCursor();
                if (ScanParams.SCAN_POINTER_START.equals(cursor)) {
                    break;
                }
            }
        }
        return List.copyOf(keys);
    }

    /** SCAN + UNLINK of the keys matching {@code pattern} inside the prefix; returns how many were deleted. */
    @Override
    public long clear(String pattern) {
        List<String> keys = scan(pattern);
        boolean cluster = url.topology() == RedisUrl.Topology.CLUSTER;
        long deleted = 0;
        int batch = cluster ? 1 : 500;
        for (int i = 0; i < keys.size(); i += batch) {
            String[] chunk = keys.subList(i, Math.min(keys.size(), i + batch)).toArray(new String[0]);
            deleted += call("UNLINK", c -> c.unlink(chunk));
        }
        return deleted;
    }

    /**
     * Server facts (keys under the prefix, used memory, version, clients, uptime) and this JVM's
     * counters. Never throws: unreachable server fields are -1 / "".
     */
    @Override
    public StoreStats stats() {
        long keys = -1;
        long memory = -1;
        String version = "";
        long clients = -1;
        long uptime = -1;
        boolean reachable = false;
        try {
            keys = scan(prefix + "*").size();
            String info = call("INFO", c -> c instanceof RedisClusterClient ? infoOfAnyNode((RedisClusterClient) c) : c.info());
            Map<String, String> fields = parseInfo(info);
            memory = parseLong(fields.get("used_memory"));
            version = fields.getOrDefault("redis_version", "");
            clients = parseLong(fields.get("connected_clients"));
            uptime = parseLong(fields.get("uptime_in_seconds"));
            reachable = true;
        } catch (StoreUnavailableException | StoreServerException e) {
            LOG.debug("amorsize cache: stats without server fields: {}", e.getMessage());
        }
        return new StoreStats(reachable, "redis", keys, memory, version, clients, uptime,
                hits.sum(), misses.sum(), 0, rejected.sum(), breaker.state().name());
    }

    private static String infoOfAnyNode(RedisClusterClient cluster) {
        for (ConnectionPool pool : cluster.getClusterNodes().values()) {
            try (Connection conn = pool.getResource()) {
                return new Jedis(conn).info();
            }
        }
        return "";
    }

    /**
     * {@code SET <prefix>lock:<rest of key> <random token> NX PX lease}. Empty when someone else holds
     * it. The returned lock deletes the lock key only while it still holds our token.
     *
     * @throws StoreUnavailableException when Redis cannot be reached in time
     */
    @Override
    public Optional<ComputeLock> tryLock(String key, Duration lease) {
        requireInPrefix(key);
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("lease must be at least 1 ms, got " + lease);
        }
        String lockKey = lockKey(key);
        byte[] tokenBytes = new byte[16];
        RANDOM.nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes);
        String ok = call("SET NX", c -> c.set(lockKey, token, SetParams.setParams().nx().px(lease.toMillis())));
        if (!"OK".equals(ok)) {
            return Optional.empty();
        }
        return Optional.of(() -> {
            try {
                call("EVAL", c -> c.eval(COMPARE_AND_DELETE, List.of(lockKey), List.of(token)));
            } catch (RuntimeException e) {
                LOG.debug("amorsize cache: lock {} not released (it expires on its own): {}", lockKey, e.getMessage());
            }
        });
    }

    /** The lock key of an entry key: {@code <prefix>lock:<key without prefix>}. */
    String lockKey(String key) {
        return prefix + "lock:" + key.substring(prefix.length());
    }

    /** Pings Redis within the deadline; false (never an exception) when it cannot be reached. */
    public boolean ping() {
        try {
            return "PONG".equals(call("PING", c -> c instanceof RedisClusterClient
                    ? pingAnyNode((RedisClusterClient) c) : c.ping()));
        } catch (StoreUnavailableException | StoreServerException e) {
            LOG.debug("amorsize cache: ping failed: {}", e.getMessage());
            return false;
        }
    }

    private static String pingAnyNode(RedisClusterClient cluster) {
        for (ConnectionPool pool : cluster.getClusterNodes().values()) {
            try (Connection conn = pool.getResource()) {
                return new Jedis(conn).ping();
            }
        }
        return "";
    }

    /** Breaker state name: CLOSED, OPEN or HALF_OPEN. */
    public String breakerState() {
        return breaker.state().name();
    }

    /** Calls refused or failed because Redis was unavailable (this JVM). */
    public long unavailableCount() {
        return unavailable.sum();
    }

    /** True when the last call that went to Redis got an answer. */
    public boolean lastCallReachedRedis() {
        return lastCallReachedRedis;
    }

    @Override
    public void close() {
        closed = true;
        UnifiedJedis c;
        synchronized (clientLock) {
            c = client;
            client = null;
        }
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("amorsize cache: error closing the Redis client: {}", e.toString());
            }
        }
        workers.shutdownNow();
    }

    // ---------------------------------------------------------------- the bounded call

    /**
     * Runs {@code body} against Redis, bounded by the deadline, guarded by the breaker, and maps
     * failures to {@link StoreUnavailableException} (connection family) or {@link StoreServerException}.
     */
    <T> T call(String op, Function<UnifiedJedis, T> body) {
        if (closed) {
            throw new StoreUnavailableException("Redis store " + url.masked() + " is closed");
        }
        if (!breaker.tryAcquire()) {
            unavailable.increment();
            throw new StoreUnavailableException("Redis " + url.masked() + " skipped: circuit breaker open for another "
                    + TimeUnit.NANOSECONDS.toMillis(breaker.remainingNanos()) + " ms");
        }
        RedisClient direct = callerThreadClient();
        if (direct != null) {
            try {
                T result = body.apply(direct);
                breaker.onSuccess();
                lastCallReachedRedis = true;
                return result;
            } catch (RuntimeException e) {
                if (!(e instanceof JedisConnectionException jce && isStaleConnection(jce))) {
                    return handleFailure(op, e);
                }
                // a dead pooled connection: retry below on a worker, where a new connection may be made
                LOG.debug("amorsize cache: retrying on a fresh connection after: {}", e.getMessage());
            }
        }
        Future<T> future;
        try {
            future = workers.submit(() -> attempt(body));
        } catch (RejectedExecutionException e) {
            // Our own worker pool and queue are full: too many callers at once. Not Redis' answer, so
            // the breaker is not tripped (a probe that could not start counts as failed).
            breaker.onRejected();
            unavailable.increment();
            throw new StoreUnavailableException("Redis " + op + " refused: all " + workers.getMaximumPoolSize()
                    + " Redis worker threads are busy");
        }
        try {
            T result = future.get(deadlineNanos, TimeUnit.NANOSECONDS);
            breaker.onSuccess();
            lastCallReachedRedis = true;
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            return fail(op, new StoreUnavailableException("Redis " + op + " on " + url.masked()
                    + " did not answer within the " + config.deadline().toMillis() + " ms deadline"), true);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            breaker.onFailure();
            unavailable.increment();
            throw new StoreUnavailableException("interrupted while waiting for Redis " + op);
        } catch (ExecutionException e) {
            return handleFailure(op, e.getCause());
        }
    }

    private <T> T handleFailure(String op, Throwable cause) {
        RuntimeException mapped = classify(op, cause);
        if (mapped instanceof StoreUnavailableException sue) {
            return fail(op, sue, !isPoolExhausted(cause));
        }
        breaker.onSuccess(); // the server answered
        lastCallReachedRedis = true;
        throw mapped;
    }

    /**
     * The client when this call can run on the caller's thread and still respect the deadline: a standalone
     * client whose pool holds all its connections already (so borrowing can only wait, at most
     * poolMaxWait, never connect or resolve a name) and poolMaxWait + socketTimeout within the deadline.
     * This saves two thread hand-offs per call, which dominate the tail on a loaded machine. Anything
     * else (first connection, reconnects, Sentinel, Cluster) runs on the worker pool (null).
     */
    private RedisClient callerThreadClient() {
        if (!callerThreadBounded || !(client instanceof RedisClient rc)) {
            return null;
        }
        var pool = rc.getPool();
        if (pool.getNumActive() + pool.getNumIdle() >= config.maxConnections()) {
            return rc;
        }
        refillPool(rc);
        return null;
    }

    /** Opens the missing pooled connections in the background (after start-up, CLIENT KILL, a restart). */
    private void refillPool(RedisClient rc) {
        if (!refilling.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    rc.getPool().preparePool();
                } catch (Exception e) {
                    LOG.debug("amorsize cache: could not open pooled connections: {}", e.toString());
                } finally {
                    refilling.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refilling.set(false);
        }
    }

    /**
     * One try, plus one retry on a fresh connection when a pooled connection turned out dead (server
     * restarted, CLIENT KILL, idle timeout): reset or end of stream, not a timeout or a refused connect.
     */
    private <T> T attempt(Function<UnifiedJedis, T> body) {
        try {
            return body.apply(client());
        } catch (JedisConnectionException e) {
            if (!isStaleConnection(e)) {
                throw e;
            }
            LOG.debug("amorsize cache: retrying once after a dead pooled connection: {}", e.getMessage());
            return body.apply(client());
        }
    }

    private static boolean isStaleConnection(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException || c instanceof java.net.ConnectException
                    || c instanceof NoSuchElementException || c instanceof SSLException) {
                return false;
            }
        }
        String m = String.valueOf(t.getMessage()) + " " + (t.getCause() == null ? "" : t.getCause().getMessage());
        return m.contains("Unexpected end of stream") || m.contains("Connection reset") || m.contains("Broken pipe");
    }

    private <T> T fail(String op, StoreUnavailableException e, boolean tripBreaker) {
        if (tripBreaker) {
            State before = State.of(breaker.state());
            breaker.onFailure();
            if (before != State.OPEN) {
                LOG.warn("amorsize cache: Redis {} unavailable ({}); skipping Redis for {} s, using the local file",
                        url.masked(), e.getMessage(), config.breakerCooldown().toSeconds());
            }
        } else {
            breaker.onSuccess(); // pool exhaustion: Redis is fine, we are busy; don't trip, don't hold the probe
        }
        lastCallReachedRedis = false;
        unavailable.increment();
        throw e;
    }

    private enum State {
        CLOSED, OPEN;

        static State of(CircuitBreaker.State s) {
            return s == CircuitBreaker.State.CLOSED ? CLOSED : OPEN;
        }
    }

    /** Maps a Jedis failure; messages name the masked URL only (Jedis messages carry no password). */
    private RuntimeException classify(String op, Throwable t) {
        if (isPoolExhausted(t)) {
            return new StoreUnavailableException("Redis " + op + ": no pooled connection free within "
                    + config.poolMaxWait().toMillis() + " ms (" + config.maxConnections() + " connections)");
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JedisAccessControlException ace) {
                String m = String.valueOf(ace.getMessage());
                if (m.startsWith("NOPERM")) {
                    return new StoreServerException("Redis " + op + " denied by the server's ACL on " + url.masked()
                            + ": " + safe(m), null);
                }
                return new StoreUnavailableException("Redis " + url.masked() + " rejected the credentials ("
                        + firstWord(m) + ")");
            }
            if (c instanceof JedisConnectionException || c instanceof SocketTimeoutException
                    || c instanceof SSLException || c instanceof IOException) {
                return new StoreUnavailableException("Redis " + op + " on " + url.masked() + " failed: "
                        + safe(rootMessage(c)));
            }
        }
        if (t instanceof JedisDataException) {
            return new StoreServerException("Redis " + op + " on " + url.masked() + " answered with an error: "
                    + safe(t.getMessage()), null);
        }
        if (t instanceof StoreUnavailableException sue) {
            return sue;
        }
        if (t instanceof IllegalArgumentException iae) {
            return iae;
        }
        // Anything else from the client library: treat as unavailable (the job must go on).
        return new StoreUnavailableException("Redis " + op + " on " + url.masked() + " failed: " + t.getClass().getSimpleName()
                + ": " + safe(t.getMessage()));
    }

    private static boolean isPoolExhausted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NoSuchElementException nse && nse.getCause() == null
                    && String.valueOf(nse.getMessage()).contains("Timeout waiting for idle object")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String m = r.getMessage();
        return r.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private String safe(String message) {
        if (message == null) {
            return "";
        }
        String m = RedisUrl.maskAny(message);
        String pw = url.password();
        if (pw != null && !pw.isEmpty()) {
            m = m.replace(pw, "****");
        }
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    private static String firstWord(String m) {
        int sp = m.indexOf(' ');
        return sp < 0 ? m : m.substring(0, sp);
    }

    // ---------------------------------------------------------------- client construction

    private UnifiedJedis client() {
        UnifiedJedis c = client;
        if (c != null) {
            return c;
        }
        synchronized (clientLock) {
            if (closed) {
                throw new StoreUnavailableException("Redis store is closed");
            }
            if (client == null) {
                client = createClient();
            }
            return client;
        }
    }

    private UnifiedJedis createClient() {
        JedisClientConfig cc = clientConfig(true);
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
                return RedisClient.builder().hostAndPort(hosts.get(0)).clientConfig(cc).poolConfig(pool).build();
            case SENTINEL:
                JedisClientConfig sentinelCfg = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(millis(config.connectTimeout()))
                        .socketTimeoutMillis(millis(config.socketTimeout()))
                        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                        .resp2()
                        .build();
                return RedisSentinelClient.builder().masterName(url.masterName()).sentinels(new LinkedHashSet<>(hosts))
                        .clientConfig(cc).sentinelClientConfig(sentinelCfg).poolConfig(pool).build();
            case CLUSTER:
                return RedisClusterClient.builder().nodes(new LinkedHashSet<>(hosts)).clientConfig(cc).poolConfig(pool)
                        .maxAttempts(2).maxTotalRetriesDuration(config.deadline()).build();
            default:
                throw new IllegalStateException("unknown topology " + url.topology());
        }
    }

    private JedisClientConfig clientConfig(boolean data) {
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
        if (url.tls()) {
            SSLParameters params = new SSLParameters();
            // Verify that the certificate names the host we connect to (no silent MITM).
            params.setEndpointIdentificationAlgorithm("HTTPS");
            b.ssl(true).sslParameters(params);
            if (config.tlsCaFile() != null) {
                b.sslSocketFactory(sslContext(config).getSocketFactory());
            }
        }
        return b.build();
    }

    /** An SSL context trusting exactly the PEM certificates in the configured CA file. */
    static SSLContext sslContext(CacheConfig config) {
        try (InputStream in = Files.newInputStream(config.tlsCaFile())) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
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
            throw new IllegalArgumentException("tlsCaFile " + config.tlsCaFile() + " cannot be used: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void requireInPrefix(String key) {
        Objects.requireNonNull(key, "key");
        if (!key.startsWith(prefix) || key.length() == prefix.length()) {
            throw new IllegalArgumentException("key '" + key + "' is outside this store's prefix '" + prefix + "'");
        }
    }

    private String scoped(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return pattern.startsWith(prefix) ? pattern : prefix + pattern;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new java.util.HashMap<>();
        if (info == null) {
            return m;
        }
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }

    private static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "RedisStore{" + url.masked() + ", prefix=" + prefix + ", breaker=" + breaker.state() + "}";
    }
}
