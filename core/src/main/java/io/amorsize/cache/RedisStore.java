package io.amorsize.cache;

import io.amorsize.Source;
import io.amorsize.Ticker;
import io.amorsize.key.CacheKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared store on Redis (standalone, Sentinel or Cluster, optionally TLS) through Jedis 8.
 *
 * <ul>
 *   <li>Values are codec bytes (strict JSON, HMAC when a secret is set) written with {@code SET PX ttl}
 *       inside one compare-and-set script: the newer {@code createdAt} wins, an entry more than a day
 *       ahead of the server's clock is refused.
 *       A value that fails validation is a miss, counted as rejected, and never returned; reads go through
 *       a script that checks {@code STRLEN} first, so a value above {@link EntryCodec#MAX_BYTES} is never
 *       sent to this JVM.</li>
 *   <li>Every call is bounded by {@link CacheConfig#deadline()} whatever Jedis does (DNS, pool waits,
 *       reconnects): it runs on a small worker pool and the caller stops waiting at the deadline
 *       ({@link RedisCalls}; the client itself is built by {@link RedisClients}).
 *       Connection-family failures, timeouts and the replies of a server that cannot serve now
 *       ({@code OOM}, {@code READONLY}, {@code LOADING}, {@code BUSY}, ...) throw {@link StoreUnavailableException};
 *       other error replies (e.g. {@code NOPERM}) throw {@link StoreServerException}.</li>
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

    /**
     * The compare-and-set every write goes through (puts and journal replay). KEYS[1] the key; ARGV: the
     * encoded entry, its createdAt (epoch ms), the TTL (ms), the future tolerance (ms), "1" to write when
     * the stored entry is exactly as old (a put) or "0" to keep it (a replay), and the size cap.
     * Returns 1 when written, 0 when the stored entry is newer (or as new, for a replay), -1 when the
     * entry is more than the tolerance ahead of the server's clock (refused). A stored entry that is
     * larger than the cap, not JSON, or itself too far in the future never wins; another type under the key is
     * a WRONGTYPE error (a per-key error: the put fails with a WARN, a replay keeps that line), never overwritten.
     */
    static final String PUT_IF_NEWER = String.join(
            "\n",
            "if redis.replicate_commands then redis.replicate_commands() end", // TIME before a write (Redis < 5)
            "local created = tonumber(ARGV[2])",
            "local t = redis.call('TIME')",
            "local limit = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[4])",
            "if created > limit then return -1 end",
            "local n = redis.pcall('STRLEN', KEYS[1])",
            // another type under the key (another application's data): WRONGTYPE, never overwritten
            "if type(n) == 'table' and n.err then return redis.error_reply(n.err) end",
            "if type(n) == 'number' and n > 0 and n <= tonumber(ARGV[6]) then",
            "  local ok, old = pcall(cjson.decode, redis.call('GET', KEYS[1]))",
            "  if ok and type(old) == 'table' and type(old.createdAt) == 'number' and old.createdAt <= limit then",
            "    if old.createdAt > created or (old.createdAt == created and ARGV[5] == '0') then return 0 end",
            "  end",
            "end",
            "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])",
            "return 1");

    /**
     * Appends ARGV[1] (one encoded observation, id ARGV[3]) to the {@code history} array at the end
     * of the entry JSON under KEYS[1], keeping the newest ARGV[2], with the key's TTL: the merge runs
     * on the server, so two drivers observing at once both land. Returns the history's length, 0 when
     * the key is absent, -1 when the value is not an entry this codec wrote (left as it is). The
     * client validates the whole entry, observations included, on every read.
     */
    static final String APPEND_OBSERVATION = String.join(
            "\n",
            "local v = redis.call('get', KEYS[1])",
            "if not v then return 0 end",
            "if string.sub(v, -1) ~= '}' then return -1 end",
            "local items = {}",
            "local head = string.sub(v, 1, -2)",
            "local i = string.find(v, ',\"history\":[', 1, true)",
            "if i then",
            "  if string.sub(v, -2) ~= ']}' then return -1 end",
            "  head = string.sub(v, 1, i - 1)",
            "  local body = string.sub(v, i + 12, -3)",
            "  if string.find(body, '{\"id\":' .. ARGV[3] .. ',', 1, true) then return -2 end",
            "  for item in string.gmatch(body, '{[^{}]*}') do items[#items + 1] = item end",
            "end",
            "items[#items + 1] = ARGV[1]",
            "local keep = tonumber(ARGV[2])",
            "while #items > keep do table.remove(items, 1) end",
            "redis.call('set', KEYS[1], head .. ',\"history\":[' .. table.concat(items, ',') .. ']}', 'KEEPTTL')",
            "return #items");

    private static final int SCAN_COUNT = 500;
    private static final int MAX_SCAN_PAGES = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CacheConfig config;
    private final RedisUrl url;
    private final EntryCodec codec;
    private final RedisCalls calls;
    private final String prefix;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final Set<String> rejectedKeysLogged = ConcurrentHashMap.newKeySet();

    /**
     * A store for {@code config} (which must name a Redis URL), with the strict codec and the HMAC
     * secret of the configuration. Does not connect: the first call does, within the deadline.
     *
     * @throws IllegalArgumentException when no Redis URL is configured, or the TLS CA file is unusable
     */
    public RedisStore(CacheConfig config) {
        this(
                config,
                EntryCodec.withSecret(Objects.requireNonNull(config, "config").hmacSecret()),
                Ticker.system());
    }

    RedisStore(CacheConfig config, EntryCodec codec, Ticker ticker) {
        if (Objects.requireNonNull(config, "config").redisUrl() == null) {
            throw new IllegalArgumentException("config has no redisUrl: a RedisStore needs one");
        }
        if (config.tlsCaFile() != null) {
            RedisClients.sslContext(config); // fail fast on an unreadable CA file
        }
        this.config = Objects.requireNonNull(config, "config");
        this.url = Objects.requireNonNull(config.redisUrl(), "config.redisUrl (no Redis configured)");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.prefix = config.keyPrefix();
        this.calls = new RedisCalls(config, ticker);
    }

    /** The key prefix every key of this store starts with. */
    @Override
    public String keyPrefix() {
        return prefix;
    }

    /** The configuration this store was built from. */
    public CacheConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- store API

    /**
     * {@link #get}'s size-guarded read: KEYS[1] the key, ARGV[1] the cap. The value when it is at most
     * the cap (nil when absent), else its length as an integer, so an oversized value is never sent.
     */
    static final String GET_BOUNDED = "local n = redis.call('STRLEN', KEYS[1])\n"
            + "if n > tonumber(ARGV[1]) then return n end\n"
            + "return redis.call('GET', KEYS[1])";

    /**
     * The entry under {@code key}, read through {@link #GET_BOUNDED}: a value above
     * {@link EntryCodec#MAX_BYTES} is a rejected miss (one WARN per key) without being read.
     */
    @Override
    public Optional<CacheHit> get(CacheKey cacheKey) {
        String key = render(cacheKey);
        Object reply = call(
                "GET",
                c -> c.eval(
                        bytes(GET_BOUNDED),
                        List.of(bytes(key)),
                        List.of(bytes(Integer.toString(EntryCodec.MAX_BYTES)))));
        if (reply == null) {
            misses.increment();
            return Optional.empty();
        }
        if (!(reply instanceof byte[] raw)) {
            long size = reply instanceof Long l ? l : -1;
            return rejected(key, size, "larger than the " + EntryCodec.MAX_BYTES + "-byte cap (not read)");
        }
        CacheEntry entry;
        try {
            entry = codec.decode(key, raw);
        } catch (RejectedEntryException | RuntimeException e) {
            return rejected(key, raw.length, e.getMessage());
        }
        hits.increment();
        return Optional.of(new CacheHit(entry, Source.CACHE_REDIS));
    }

    private Optional<CacheHit> rejected(String key, long size, String why) {
        rejected.increment();
        misses.increment();
        if (rejectedKeysLogged.size() < 1000 && rejectedKeysLogged.add(key)) {
            LOG.warn(
                    "amorsize cache: rejected the Redis entry under {} ({} bytes): {}; treated as a miss",
                    key,
                    size,
                    why);
        } else {
            LOG.debug("amorsize cache: rejected the Redis entry under {}: {}", key, why);
        }
        return Optional.empty();
    }

    /**
     * Writes {@code entry} unless Redis holds a newer one (one compare-and-set script, {@link #PUT_IF_NEWER}):
     * a driver that measured earlier never overwrites a newer entry.
     *
     * @throws StoreServerException when the entry is more than a day ahead of the server's clock
     */
    @Override
    public void put(CacheKey cacheKey, CacheEntry entry) {
        compareAndSet(cacheKey, entry, true);
    }

    /** As {@link #put}, but an entry exactly as old as the stored one is kept (journal replay). */
    @Override
    public boolean putIfNewer(CacheKey cacheKey, CacheEntry entry) {
        return compareAndSet(cacheKey, entry, false);
    }

    /**
     * The journal replay's compare-and-sets, all in one pipeline: one round trip for the batch instead
     * of one per entry. A per-key error reply ({@code WRONGTYPE}, {@code NOPERM}) is that entry's
     * outcome; an error reply that means the server cannot serve ({@code OOM}, {@code READONLY},
     * {@code LOADING}, …) fails the whole call as unavailable, like any other call.
     */
    @Override
    public List<PutOutcome> putAllIfNewer(List<CacheEntry> entries) {
        if (entries.size() <= 1) {
            return RecommendationStore.super.putAllIfNewer(entries);
        }
        PutOutcome[] outcomes = new PutOutcome[entries.size()];
        List<Integer> sent = new java.util.ArrayList<>(entries.size());
        List<String> keys = new java.util.ArrayList<>(entries.size());
        List<List<byte[]>> argLists = new java.util.ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            CacheEntry entry = entries.get(i);
            try {
                String key = render(entry.key());
                argLists.add(compareAndSetArgs(key, entry, false));
                keys.add(key);
                sent.add(i);
            } catch (RuntimeException e) {
                outcomes[i] = PutOutcome.refused(e); // the codec refused it (too large, bad text)
            }
        }
        byte[] script = bytes(PUT_IF_NEWER);
        List<Object> replies = call("EVAL (pipeline of " + sent.size() + ")", c -> {
            List<redis.clients.jedis.Response<Object>> responses = new java.util.ArrayList<>(sent.size());
            try (redis.clients.jedis.AbstractPipeline pipeline = c.pipelined()) {
                for (int j = 0; j < sent.size(); j++) {
                    responses.add(pipeline.eval(script, List.of(bytes(keys.get(j))), argLists.get(j)));
                }
                pipeline.sync();
            }
            List<Object> out = new java.util.ArrayList<>(responses.size());
            for (redis.clients.jedis.Response<Object> r : responses) {
                try {
                    out.add(r.get());
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    if (calls.classify("EVAL", e) instanceof StoreUnavailableException) {
                        throw e; // OOM, READONLY, LOADING...: the server cannot serve; call() trips the breaker
                    }
                    out.add(e);
                }
            }
            return out;
        });
        for (int j = 0; j < sent.size(); j++) {
            int i = sent.get(j);
            Object r = replies.get(j);
            if (r instanceof RuntimeException e) {
                outcomes[i] = PutOutcome.refused(calls.classify("EVAL", e));
                continue;
            }
            try {
                outcomes[i] = outcome(keys.get(j), entries.get(i), r) ? PutOutcome.WRITTEN : PutOutcome.KEPT_NEWER;
            } catch (StoreServerException e) {
                outcomes[i] = PutOutcome.refused(e);
            }
        }
        return List.of(outcomes);
    }

    private List<byte[]> compareAndSetArgs(String key, CacheEntry entry, boolean replaceEqual) {
        byte[] value = codec.encode(key, entry);
        return List.of(
                value,
                bytes(Long.toString(entry.createdAtMillis())),
                bytes(Long.toString(config.ttl().toMillis())),
                bytes(Long.toString(EntryBounds.FUTURE_TOLERANCE_MILLIS)),
                bytes(replaceEqual ? "1" : "0"),
                bytes(Integer.toString(EntryCodec.MAX_BYTES)));
    }

    private boolean compareAndSet(CacheKey cacheKey, CacheEntry entry, boolean replaceEqual) {
        InMemoryStore.requireSameKey(cacheKey, entry);
        String key = render(cacheKey);
        List<byte[]> args = compareAndSetArgs(key, entry, replaceEqual);
        Object r = call("EVAL", c -> c.eval(bytes(PUT_IF_NEWER), List.of(bytes(key)), args));
        return outcome(key, entry, r);
    }

    /** The compare-and-set script's answer: 1 written, 0 the stored entry is newer, -1 refused (future). */
    private boolean outcome(String key, CacheEntry entry, Object r) {
        long outcome = r instanceof Long l ? l : 1;
        if (outcome < 0) {
            throw new StoreServerException(
                    "Redis " + url.masked() + " refused the entry under " + key + ": createdAt "
                            + entry.createdAtMillis() + " is more than a day ahead of the server's clock",
                    null);
        }
        if (outcome == 0) {
            LOG.debug(
                    "amorsize cache: kept the newer entry under {} (ours was created at {})",
                    key,
                    entry.createdAtMillis());
        }
        return outcome == 1;
    }

    /** Writes already-encoded bytes (journal replay, benchmarks, tests) with the TTL. */
    void putRaw(String key, byte[] value) {
        EntryFormat.requireInPrefix(prefix, key);
        long ttlMillis = config.ttl().toMillis();
        call("SET", c -> c.set(bytes(key), value, SetParams.setParams().px(ttlMillis)));
    }

    /** The raw bytes under {@code key}, or null (no validation). */
    byte[] getRaw(String key) {
        EntryFormat.requireInPrefix(prefix, key);
        return call("GET", c -> c.get(bytes(key)));
    }

    /** One server-side script ({@link #APPEND_OBSERVATION}): no read-modify-write from the client. */
    @Override
    public boolean observe(CacheKey cacheKey, io.amorsize.model.Observation observation, int keep) {
        Objects.requireNonNull(observation, "observation");
        if (keep < 1 || keep > CacheEntry.MAX_HISTORY) {
            throw new IllegalArgumentException("keep must be in 1.." + CacheEntry.MAX_HISTORY + ", got " + keep);
        }
        String key = render(cacheKey);
        String json = new String(codec.encodeObservation(key, observation), java.nio.charset.StandardCharsets.UTF_8);
        Object r = call(
                "EVAL",
                c -> c.eval(
                        APPEND_OBSERVATION,
                        List.of(key),
                        List.of(json, Integer.toString(keep), Long.toString(observation.id()))));
        long n = r instanceof Long l ? l : 0;
        if (n == -1) {
            LOG.debug("amorsize cache: the value under {} is not an entry; observation not stored", key);
            return false;
        }
        return n != 0;
    }

    @Override
    public boolean delete(CacheKey cacheKey) {
        String key = render(cacheKey);
        return call("UNLINK", c -> c.unlink(key)) > 0;
    }

    /**
     * Entry keys matching {@code pattern} (a Redis glob over full keys); a pattern that does not start
     * with the key prefix gets it prepended, so nothing outside the prefix is ever listed. Compute lock
     * keys ({@code <prefix>lock:...}) are not entries and are left out (so stats, list, export and clear
     * never count or touch a lock another driver holds; locks expire with their lease).
     */
    @Override
    public List<String> scan(String pattern) {
        List<String> keys = scanAll(EntryFormat.scoped(prefix, pattern));
        String locks = prefix + "lock:";
        return keys.stream().filter(k -> !k.startsWith(locks)).toList(); // compute locks are not entries
    }

    private List<String> scanAll(String match) {
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
            String info = call(
                    "INFO", c -> c instanceof RedisClusterClient ? infoOfAnyNode((RedisClusterClient) c) : c.info());
            Map<String, String> fields = parseInfo(info);
            memory = parseLong(fields.get("used_memory"));
            version = fields.getOrDefault("redis_version", "");
            clients = parseLong(fields.get("connected_clients"));
            uptime = parseLong(fields.get("uptime_in_seconds"));
            reachable = true;
        } catch (StoreUnavailableException | StoreServerException e) {
            LOG.debug("amorsize cache: stats without server fields: {}", e.getMessage());
        }
        return new StoreStats(
                reachable,
                "redis",
                keys,
                memory,
                version,
                clients,
                uptime,
                hits.sum(),
                misses.sum(),
                0,
                rejected.sum(),
                calls.breaker().state().name());
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
    public Optional<ComputeLock> tryLock(CacheKey cacheKey, Duration lease) {
        String key = render(cacheKey);
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("lease must be at least 1 ms, got " + lease);
        }
        String lockKey = lockKey(key);
        byte[] tokenBytes = new byte[16];
        RANDOM.nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes);
        String ok = call(
                "SET NX", c -> c.set(lockKey, token, SetParams.setParams().nx().px(lease.toMillis())));
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

    /** The lock key of {@code key}. */
    String lockKey(CacheKey key) {
        return lockKey(render(key));
    }

    /** Pings Redis within the deadline; false (never an exception) when it cannot be reached. */
    public boolean ping() {
        try {
            return "PONG"
                    .equals(call(
                            "PING",
                            c -> c instanceof RedisClusterClient ? pingAnyNode((RedisClusterClient) c) : c.ping()));
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
        return calls.breaker().state().name();
    }

    /** Calls refused or failed because Redis was unavailable (this JVM). */
    public long unavailableCount() {
        return calls.unavailableCount();
    }

    /** True when the last call that went to Redis got an answer. */
    public boolean lastCallReachedRedis() {
        return calls.lastCallReachedRedis();
    }

    @Override
    public void close() {
        calls.close();
    }

    /** One bounded, breaker-guarded call (see {@link RedisCalls#call}). */
    <T> T call(String op, Function<UnifiedJedis, T> body) {
        return calls.call(op, body);
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new java.util.HashMap<>();
        if (info == null) {
            return m;
        }
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.putIfAbsent(
                        line.substring(0, colon), line.substring(colon + 1).trim());
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
        return "RedisStore{" + url.masked() + ", prefix=" + prefix + ", breaker="
                + calls.breaker().state() + "}";
    }
}
