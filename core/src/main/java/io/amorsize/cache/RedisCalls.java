package io.amorsize.cache;

import io.amorsize.Ticker;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
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
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Every Redis call of a {@link RedisStore}: bounded by {@link CacheConfig#deadline()} whatever Jedis
 * does (DNS, pool waits, reconnects) — it runs on a small worker pool and the caller stops waiting at
 * the deadline — guarded by a {@link CircuitBreaker}, with failures mapped by {@link #classify}.
 * Owns the client (built on first use by {@link RedisClients}) and closes it.
 */
final class RedisCalls implements AutoCloseable {

    /** Log lines keep the store's logger name (they read as the store's). */
    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    private final CacheConfig config;
    private final RedisUrl url;
    private final CircuitBreaker breaker;
    private final ThreadPoolExecutor workers;
    private final long deadlineNanos;
    /** poolMaxWait + socketTimeout fit in the deadline: a call on a pre-filled pool may run on the caller's thread. */
    private final boolean callerThreadBounded;

    private final Object clientLock = new Object();
    private volatile UnifiedJedis client;
    private volatile boolean lastCallReachedRedis;
    private volatile boolean closed;
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final LongAdder unavailable = new LongAdder();

    RedisCalls(CacheConfig config, Ticker ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.url = Objects.requireNonNull(config.redisUrl(), "config.redisUrl (no Redis configured)");
        this.breaker = new CircuitBreaker(config.breakerCooldown(), Objects.requireNonNull(ticker, "ticker"));
        this.deadlineNanos = config.deadline().toNanos();
        this.callerThreadBounded =
                config.poolMaxWait().plus(config.socketTimeout()).compareTo(config.deadline()) <= 0;
        // Bounded: a few more threads than connections (so pool waits, not thread starvation, decide),
        // a short queue for bursts; a task whose caller gave up at the deadline is cancelled unrun.
        int threads = 2 * config.maxConnections() + 2;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2 * threads), r -> {
                    Thread t = new Thread(r, "amorsize-redis-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** Calls refused or failed because Redis was unavailable (this JVM). */
    long unavailableCount() {
        return unavailable.sum();
    }

    /** True when the last call that went to Redis got an answer. */
    boolean lastCallReachedRedis() {
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
            } catch (Error e) {
                // an Error (OutOfMemoryError, a linkage error) must still resolve a half-open probe
                breaker.onFailure();
                lastCallReachedRedis = false;
                unavailable.increment();
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                throw new StoreUnavailableException("Redis " + op + " on " + url.masked() + " failed: "
                        + e.getClass().getSimpleName() + ": " + safe(e.getMessage()));
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
            throw new StoreUnavailableException(
                    "Redis " + op + " refused: all " + workers.getMaximumPoolSize() + " Redis worker threads are busy");
        }
        try {
            T result = future.get(deadlineNanos, TimeUnit.NANOSECONDS);
            breaker.onSuccess();
            lastCallReachedRedis = true;
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            return fail(
                    op,
                    new StoreUnavailableException("Redis " + op + " on " + url.masked() + " did not answer within the "
                            + config.deadline().toMillis() + " ms deadline"),
                    true);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            breaker.onFailure();
            unavailable.increment();
            throw new StoreUnavailableException("interrupted while waiting for Redis " + op);
        } catch (ExecutionException e) {
            return handleFailure(op, e.getCause());
        } catch (Error e) {
            future.cancel(true);
            breaker.onFailure(); // resolve a half-open probe whatever happened
            throw e;
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
            if (c instanceof SocketTimeoutException
                    || c instanceof java.net.ConnectException
                    || c instanceof NoSuchElementException
                    || c instanceof SSLException) {
                return false;
            }
        }
        String m = String.valueOf(t.getMessage()) + " "
                + (t.getCause() == null ? "" : t.getCause().getMessage());
        return m.contains("Unexpected end of stream") || m.contains("Connection reset") || m.contains("Broken pipe");
    }

    private <T> T fail(String op, StoreUnavailableException e, boolean tripBreaker) {
        if (tripBreaker) {
            State before = State.of(breaker.state());
            breaker.onFailure();
            if (before != State.OPEN) {
                LOG.warn(
                        "amorsize cache: Redis {} unavailable ({}); skipping Redis for {} s, using the local file",
                        url.masked(),
                        e.getMessage(),
                        config.breakerCooldown().toSeconds());
            }
        } else {
            breaker.onSuccess(); // pool exhaustion: Redis is fine, we are busy; don't trip, don't hold the probe
        }
        lastCallReachedRedis = false;
        unavailable.increment();
        throw e;
    }

    private enum State {
        CLOSED,
        OPEN;

        static State of(CircuitBreaker.State s) {
            return s == CircuitBreaker.State.CLOSED ? CLOSED : OPEN;
        }
    }

    /**
     * The one place a failure is classified: {@link StoreUnavailableException} for the connection family
     * (refused, reset, timed out, TLS, bad credentials, our pool exhausted, anything unknown from the
     * client library, and the error replies of {@link #UNAVAILABLE_CODES} such as {@code OOM}, {@code READONLY},
     * {@code LOADING}, {@code BUSY}), {@link StoreServerException} for any other error reply of the server
     * (e.g. {@code NOPERM}, {@code WRONGTYPE}); an {@link IllegalArgumentException} is passed through. Messages name
     * the masked URL only (Jedis messages carry no password).
     */
    RuntimeException classify(String op, Throwable t) {
        if (isPoolExhausted(t)) {
            return new StoreUnavailableException("Redis " + op + ": no pooled connection free within "
                    + config.poolMaxWait().toMillis() + " ms (" + config.maxConnections() + " connections)");
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JedisAccessControlException ace) {
                String m = String.valueOf(ace.getMessage());
                if (m.startsWith("NOPERM")) {
                    return new StoreServerException(
                            "Redis " + op + " denied by the server's ACL on " + url.masked() + ": " + safe(m), null);
                }
                return new StoreUnavailableException(
                        "Redis " + url.masked() + " rejected the credentials (" + firstWord(m) + ")");
            }
            if (c instanceof JedisConnectionException
                    || c instanceof SocketTimeoutException
                    || c instanceof SSLException
                    || c instanceof IOException) {
                return new StoreUnavailableException(
                        "Redis " + op + " on " + url.masked() + " failed: " + safe(rootMessage(c)));
            }
        }
        if (t instanceof JedisDataException && isServerUnavailable(t.getMessage())) {
            return new StoreUnavailableException(
                    "Redis " + op + " on " + url.masked() + " cannot serve it now: " + safe(t.getMessage()));
        }
        if (t instanceof JedisDataException) {
            return new StoreServerException(
                    "Redis " + op + " on " + url.masked() + " answered with an error: " + safe(t.getMessage()), null);
        }
        if (t instanceof StoreUnavailableException sue) {
            return sue;
        }
        if (t instanceof IllegalArgumentException iae) {
            return iae;
        }
        // Anything else from the client library: treat as unavailable (the job must go on).
        return new StoreUnavailableException("Redis " + op + " on " + url.masked() + " failed: "
                + t.getClass().getSimpleName() + ": " + safe(t.getMessage()));
    }

    /**
     * Error replies that mean "this server cannot serve the call right now" rather than "this call is
     * wrong": out of memory under noeviction, a read-only replica (a Sentinel failover in progress), a
     * dataset still loading, a replica cut off from its master, a cluster slot migrating or down, a
     * script or module hogging the server. Scripts report them as {@code <CODE> ... script: ...}.
     */
    static final java.util.Set<String> UNAVAILABLE_CODES =
            java.util.Set.of("OOM", "READONLY", "LOADING", "MASTERDOWN", "TRYAGAIN", "BUSY", "CLUSTERDOWN");

    static boolean isServerUnavailable(String message) {
        if (message == null) {
            return false;
        }
        String m = message.strip();
        int end = 0;
        while (end < m.length() && Character.isUpperCase(m.charAt(end))) {
            end++;
        }
        return UNAVAILABLE_CODES.contains(m.substring(0, end));
    }

    private static boolean isPoolExhausted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NoSuchElementException nse
                    && nse.getCause() == null
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
                client = RedisClients.create(config);
            }
            return client;
        }
    }
}
