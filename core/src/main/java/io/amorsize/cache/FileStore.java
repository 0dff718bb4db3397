package io.amorsize.cache;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amorsize.Source;
import io.amorsize.key.CacheKey;
import io.amorsize.model.Observation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local fallback store: one JSON file in a directory ({@link #fileName(String)}: named after the
 * shared cache it backs, {@link CacheTarget}), shared by every process on the host that uses the same
 * directory and target.
 *
 * <p>File format (UTF-8): {@code {"format":1,"entries":{"<key>":{"expiresAt":<epoch millis>,
 * "entry":"<the EntryCodec JSON of the entry, as a string>"},...}}}. Each entry is validated by the
 * {@link EntryCodec} on read exactly as if it came from Redis: a rejected entry is a miss and is
 * never used.
 *
 * <p>Durability and concurrency:
 * <ul>
 *   <li>every change rewrites the file through a temp file in the same directory, fsync and an
 *       atomic rename: a reader (or a crash) sees the old or the new file, never a mix;
 *       {@code *.tmp} leftovers of a killed writer are never read and are deleted by the next writer;</li>
 *   <li>read-modify-write runs under {@link #LOCK_NAME} (a FileChannel lock, so processes on one host
 *       serialise) and an in-JVM lock (FileChannel locks are per process);</li>
 *   <li>a file that cannot be parsed (empty, truncated, invalid UTF-8, bad JSON, wrong structure)
 *       is moved aside to {@code <name>.corrupt} (or {@code .corrupt.<n>}), logged once at WARN, and
 *       the store continues empty;</li>
 *   <li>the TTL is stored per entry and honoured on read (expired = miss); expired entries are
 *       dropped by the next write.</li>
 * </ul>
 * Reads do not lock; the parsed file is kept until the file changes (inode, size, mtime).
 * I/O failures and lock time-outs throw {@link StoreUnavailableException}.
 */
@SuppressWarnings("try") // lock holders are try-with-resources without a body reference
public final class FileStore implements RecommendationStore {

    /** Start of the data file's name; {@link #fileName(String)} adds the target and the format version. */
    public static final String FILE_PREFIX = "amorsize-cache-";
    /** Name of the lock file in the cache directory (shared with the {@link Journal}). */
    public static final String LOCK_NAME = "amorsize-cache.lock";
    /** Files larger than this are treated as corrupt. */
    static final long MAX_FILE_BYTES = 256L << 20;

    static final int FORMAT = 1;
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final Set<Path> REFUSED_LOGGED = ConcurrentHashMap.newKeySet();
    /** The strict mapper of the file and the journal (the codec's configuration, the file's limits). */
    static final ObjectMapper MAPPER = StrictJson.mapper(new StrictJson.Limits(
            8,
            2 * EntryCodec.MAX_BYTES,
            32,
            com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_NAME_LEN,
            MAX_FILE_BYTES));

    private final Path dir;
    private final String target;
    /** Why the directory is not used, or null. */
    private final String refused;

    private final Path file;
    private final Path lockFile;
    private final String prefix;
    private final Duration ttl;
    private final EntryCodec codec;
    private final Clock clock;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Set<String> rejectedLogged = ConcurrentHashMap.newKeySet();
    private volatile Snapshot snapshot;

    /**
     * @param dir    cache directory (created if missing)
     * @param prefix key prefix; every key of this store starts with it (e.g. {@code amorsize:})
     * @param ttl    how long an entry is served after it was written
     * @param codec  entry codec (with the HMAC secret, if any)
     */
    public FileStore(Path dir, String prefix, Duration ttl, EntryCodec codec) {
        this(dir, prefix, ttl, codec, Clock.systemUTC());
    }

    /** As {@link #FileStore(Path, String, Duration, EntryCodec)} with an injected wall clock (tests). */
    public FileStore(Path dir, String prefix, Duration ttl, EntryCodec codec, Clock clock) {
        this(dir, CacheTarget.id(null, prefix, codec.secretId()), prefix, ttl, codec, clock);
    }

    /**
     * The local file of the shared cache {@code target} ({@link CacheTarget#id}): the file (and the
     * journal next to it) are named after it, so applications of other targets sharing the directory
     * never touch them.
     */
    public FileStore(Path dir, String target, String prefix, Duration ttl, EntryCodec codec, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        if (!target.matches("[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("target must be hex digits, got '" + target + "'");
        }
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        this.codec = Objects.requireNonNull(codec, "codec");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.file = this.dir.resolve(fileName(target));
        this.lockFile = this.dir.resolve(LOCK_NAME);
        try {
            AtomicFiles.createPrivateDirectories(this.dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("dir " + this.dir + " cannot be created: " + e, e);
        }
        this.refused = AtomicFiles.refusal(this.dir);
        if (refused != null && REFUSED_LOGGED.add(this.dir)) {
            LOG.warn("amorsize cache: not using the local cache file: {}", refused);
        }
    }

    /** Every call fails with the reason when the directory is refused (another user's, or writable by others). */
    private void requireUsableDirectory() {
        if (refused != null) {
            throw new StoreUnavailableException(refused);
        }
    }

    /** The local file of {@code config}'s target: Redis endpoints, database, prefix and secret. */
    public static FileStore forConfig(CacheConfig config) {
        EntryCodec codec = EntryCodec.withSecret(config.hmacSecret());
        return new FileStore(
                config.fallbackDir(),
                CacheTarget.id(config.redisUrl(), config.keyPrefix(), codec.secretId()),
                config.keyPrefix(),
                config.ttl(),
                codec,
                Clock.systemUTC());
    }

    /** Name of the data file of {@code target}: {@code amorsize-cache-<target>.v<format>.json}. */
    public static String fileName(String target) {
        return FILE_PREFIX + target + ".v" + FORMAT + ".json";
    }

    /** The target this file belongs to ({@link CacheTarget#id}). */
    public String target() {
        return target;
    }

    /** The data file. */
    public Path file() {
        return file;
    }

    /** The cache directory. */
    public Path directory() {
        return dir;
    }

    @Override
    public String keyPrefix() {
        return prefix;
    }

    Clock clock() {
        return clock;
    }

    Duration ttl() {
        return ttl;
    }

    EntryCodec codec() {
        return codec;
    }

    // ------------------------------------------------------------------ store API

    @Override
    public Optional<CacheHit> get(CacheKey key) {
        Optional<CacheEntry> e = read(key);
        if (e.isEmpty()) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        hits.incrementAndGet();
        return Optional.of(new CacheHit(e.get(), Source.CACHE_FILE));
    }

    /**
     * The validated, unexpired entry under {@code key}, without touching the hit/miss counters.
     * A rejected entry is empty (and counted as rejected).
     */
    Optional<CacheEntry> read(CacheKey cacheKey) {
        String key = render(cacheKey);
        FileRecord r = load().get(key);
        if (r == null || r.expiresAt() <= clock.millis()) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(key, r.entry().getBytes(StandardCharsets.UTF_8)));
        } catch (RejectedEntryException ex) {
            rejected.incrementAndGet();
            if (rejectedLogged.size() < 1000 && rejectedLogged.add(key)) {
                LOG.warn(
                        "amorsize cache: rejected the entry under {} in {}: {}; treated as a miss",
                        key,
                        file,
                        ex.getMessage());
            }
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey cacheKey, CacheEntry entry) {
        InMemoryStore.requireSameKey(cacheKey, entry);
        String key = render(cacheKey);
        String encoded = new String(codec.encode(key, entry), StandardCharsets.UTF_8);
        long expiresAt = clock.millis() + ttl.toMillis();
        update(m -> {
            m.put(key, new FileRecord(expiresAt, encoded));
            return m;
        });
    }

    /**
     * Stores {@code entry} unless the file already holds an unexpired, valid entry under {@code key}
     * that is at least as new. Returns true if it wrote.
     *
     * @throws IllegalArgumentException if the codec refuses the entry
     */
    @Override
    public boolean putIfNewer(CacheKey key, CacheEntry entry) {
        return putAllIfNewer(Map.of(key, entry)) == 1;
    }

    /**
     * {@link #putIfNewer} for many keys in one read-modify-write. Entries the codec refuses are
     * skipped (never written). Returns how many were written.
     *
     * @throws IllegalArgumentException if every entry was refused by the codec
     */
    int putAllIfNewer(Map<CacheKey, CacheEntry> entries) {
        return putAllIfNewer(entries, LOCK_TIMEOUT);
    }

    /** As {@link #putAllIfNewer(Map)}, waiting at most {@code lockTimeout} for the file's lock. */
    int putAllIfNewer(Map<CacheKey, CacheEntry> entries, Duration lockTimeout) {
        Map<String, String> encoded = new TreeMap<>();
        Map<String, CacheEntry> valid = new TreeMap<>();
        IllegalArgumentException refused = null;
        for (Map.Entry<CacheKey, CacheEntry> e : entries.entrySet()) {
            try {
                InMemoryStore.requireSameKey(e.getKey(), e.getValue());
                String key = render(e.getKey());
                encoded.put(key, new String(codec.encode(key, e.getValue()), StandardCharsets.UTF_8));
                valid.put(key, e.getValue());
            } catch (IllegalArgumentException ex) {
                refused = ex;
            }
        }
        if (valid.isEmpty()) {
            if (refused != null) {
                throw refused;
            }
            return 0;
        }
        long now = clock.millis();
        int[] wrote = {0};
        update(lockTimeout, m -> {
            wrote[0] = 0;
            for (Map.Entry<String, CacheEntry> e : valid.entrySet()) {
                String key = e.getKey();
                FileRecord old = m.get(key);
                if (old != null && old.expiresAt() > now) {
                    try {
                        CacheEntry existing = codec.decode(key, old.entry().getBytes(StandardCharsets.UTF_8));
                        if (existing.createdAtMillis() >= e.getValue().createdAtMillis()) {
                            continue;
                        }
                    } catch (RejectedEntryException ignored) {
                        // replace a rejected entry
                    }
                }
                m.put(key, new FileRecord(now + ttl.toMillis(), encoded.get(key)));
                wrote[0]++;
            }
            return wrote[0] > 0 ? m : null;
        });
        return wrote[0];
    }

    /** Under the file lock: the read, the append and the write are one step for every process sharing the file. */
    @Override
    public boolean observe(CacheKey cacheKey, Observation observation, int keep) {
        Objects.requireNonNull(observation, "observation");
        return modify(cacheKey, e -> e.withObservation(observation, keep));
    }

    @Override
    public boolean clearHistory(CacheKey cacheKey) {
        boolean[] had = {false};
        modify(cacheKey, e -> {
            had[0] = !e.history().isEmpty();
            return e.withoutHistory();
        });
        return had[0];
    }

    /** Rewrites the unexpired, valid entry under {@code key} with {@code change}, keeping its expiry; false when absent. */
    private boolean modify(CacheKey cacheKey, UnaryOperator<CacheEntry> change) {
        String key = render(cacheKey);
        long now = clock.millis();
        boolean[] found = {false};
        update(m -> {
            FileRecord old = m.get(key);
            if (old == null || old.expiresAt() <= now) {
                return null;
            }
            CacheEntry existing;
            try {
                existing = codec.decode(key, old.entry().getBytes(StandardCharsets.UTF_8));
            } catch (RejectedEntryException e) {
                return null;
            }
            found[0] = true;
            CacheEntry updated = change.apply(existing);
            if (updated == existing) {
                return null;
            }
            m.put(key, new FileRecord(old.expiresAt(), new String(codec.encode(key, updated), StandardCharsets.UTF_8)));
            return m;
        });
        return found[0];
    }

    @Override
    public boolean delete(CacheKey cacheKey) {
        String key = render(cacheKey);
        boolean[] existed = {false};
        update(m -> {
            existed[0] = m.remove(key) != null;
            return existed[0] ? m : null;
        });
        return existed[0];
    }

    /** Unexpired keys matching {@code pattern} (a Redis-style glob; the prefix is prepended if missing). */
    @Override
    public List<String> scan(String pattern) {
        Pattern p = InMemoryStore.globToRegex(EntryFormat.scoped(prefix, pattern));
        long now = clock.millis();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, FileRecord> e : load().entrySet()) {
            if (e.getKey().startsWith(prefix)
                    && e.getValue().expiresAt() > now
                    && p.matcher(e.getKey()).matches()) {
                keys.add(e.getKey());
            }
        }
        Collections.sort(keys);
        return keys;
    }

    @Override
    public long clear(String pattern) {
        Pattern p = InMemoryStore.globToRegex(EntryFormat.scoped(prefix, pattern));
        long[] n = {0};
        update(m -> {
            n[0] = 0;
            m.keySet().removeIf(k -> {
                boolean match = k.startsWith(prefix) && p.matcher(k).matches();
                if (match) {
                    n[0]++;
                }
                return match;
            });
            return n[0] > 0 ? m : null;
        });
        return n[0];
    }

    @Override
    public StoreStats stats() {
        long keys;
        try {
            keys = scan("*").size();
        } catch (StoreUnavailableException e) {
            keys = -1;
        }
        return new StoreStats(false, "file", keys, -1, "", -1, -1, hits.get(), misses.get(), 0, rejected.get(), "");
    }

    @Override
    public void close() {
        snapshot = null;
    }

    @Override
    public String toString() {
        return "FileStore{" + file + ", prefix=" + prefix + ", ttl=" + ttl + "}";
    }

    // ------------------------------------------------------------------ file handling

    /** The file as parsed now (cached while the file is unchanged); a corrupt file is moved aside. */
    Map<String, FileRecord> load() {
        requireUsableDirectory();
        FileId id = FileId.of(file);
        Snapshot s = snapshot;
        if (id == null) {
            return Map.of();
        }
        if (s != null && s.id().equals(id)) {
            return s.entries();
        }
        try {
            if (id.size() > MAX_FILE_BYTES) {
                throw new CorruptFileException("larger than " + MAX_FILE_BYTES + " bytes");
            }
            Map<String, FileRecord> m = Collections.unmodifiableMap(parse(AtomicFiles.readNoFollow(file)));
            snapshot = new Snapshot(id, m);
            return m;
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (NewerFormatException e) {
            newerFormat(e);
            return Map.of();
        } catch (CorruptFileException e) {
            try (FileLocks.Held ignored = FileLocks.acquire(lockFile, LOCK_TIMEOUT)) {
                return Collections.unmodifiableMap(loadLocked());
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read " + file + ": " + e, e);
        }
    }

    /** Reads the file with the lock held; moves a corrupt file aside and returns an empty map. */
    private TreeMap<String, FileRecord> loadLocked() {
        FileId id = FileId.of(file);
        if (id == null) {
            return new TreeMap<>();
        }
        Snapshot s = snapshot;
        if (s != null && s.id().equals(id)) {
            return new TreeMap<>(s.entries());
        }
        try {
            if (id.size() > MAX_FILE_BYTES) {
                throw new CorruptFileException("larger than " + MAX_FILE_BYTES + " bytes");
            }
            byte[] bytes;
            try {
                bytes = AtomicFiles.readNoFollow(file);
            } catch (NoSuchFileException e) {
                return new TreeMap<>();
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot read " + file + ": " + e, e);
            }
            TreeMap<String, FileRecord> m = parse(bytes);
            snapshot = new Snapshot(id, Collections.unmodifiableMap(new TreeMap<>(m)));
            return m;
        } catch (NewerFormatException e) {
            newerFormat(e);
            throw new StoreUnavailableException(
                    file + " was written by a newer Amorsize (" + e.getMessage() + "); not overwriting it", e);
        } catch (CorruptFileException e) {
            try {
                Path moved = AtomicFiles.quarantine(file);
                LOG.warn(
                        "amorsize cache: {} is corrupt ({}); moved it to {} and continuing with an empty cache",
                        file,
                        e.getMessage(),
                        moved.getFileName());
            } catch (IOException io) {
                throw new StoreUnavailableException("cannot move the corrupt " + file + " aside: " + io, io);
            }
            snapshot = null;
            return new TreeMap<>();
        }
    }

    /**
     * Read-modify-write under the locks. {@code change} gets a mutable copy and returns the map to
     * write, or null to leave the file as it is. Expired entries are dropped on every write.
     */
    private void update(UnaryOperator<TreeMap<String, FileRecord>> change) {
        update(LOCK_TIMEOUT, change);
    }

    private void update(Duration lockTimeout, UnaryOperator<TreeMap<String, FileRecord>> change) {
        requireUsableDirectory();
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, lockTimeout)) {
            AtomicFiles.deleteTempLeftovers(file);
            TreeMap<String, FileRecord> m = loadLocked();
            TreeMap<String, FileRecord> out = change.apply(m);
            if (out == null) {
                return;
            }
            long now = clock.millis();
            out.values().removeIf(r -> r.expiresAt() <= now);
            byte[] bytes = serialize(out);
            AtomicFiles.write(file, bytes);
            FileId id = FileId.of(file);
            snapshot = id == null ? null : new Snapshot(id, Collections.unmodifiableMap(new TreeMap<>(out)));
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot write " + file + ": " + e, e);
        }
    }

    static byte[] serialize(Map<String, FileRecord> entries) throws IOException {
        return MAPPER.writeValueAsBytes(new FileImage(FORMAT, new TreeMap<>(entries)));
    }

    private final AtomicBoolean newerFormatLogged = new AtomicBoolean();

    private void newerFormat(NewerFormatException e) {
        if (newerFormatLogged.compareAndSet(false, true)) {
            LOG.warn(
                    "amorsize cache: {} was written by a newer Amorsize ({}); ignoring it (not moved aside)",
                    file,
                    e.getMessage());
        }
    }

    static TreeMap<String, FileRecord> parse(byte[] bytes) throws CorruptFileException {
        if (bytes.length == 0) {
            throw new CorruptFileException("empty file");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new CorruptFileException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StrictJson.strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new CorruptFileException("not valid UTF-8");
        }
        FileImage img;
        try {
            img = MAPPER.readValue(text, FileImage.class);
        } catch (IOException | RuntimeException e) {
            int format = formatOf(text);
            if (format > FORMAT) {
                throw new NewerFormatException(format);
            }
            throw new CorruptFileException("invalid JSON: "
                    + StrictJson.shorten(
                            e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()));
        }
        if (img == null) {
            throw new CorruptFileException("null document");
        }
        if (img.format() > FORMAT) {
            throw new NewerFormatException(img.format());
        }
        if (img.format() != FORMAT) {
            throw new CorruptFileException("format " + img.format() + ", expected " + FORMAT);
        }
        return new TreeMap<>(img.entries());
    }

    /** The whole file. */
    @JsonPropertyOrder({"format", "entries"})
    record FileImage(int format, Map<String, FileRecord> entries) {}

    /** One key's value in the file: the codec's bytes as a string, and when it stops being served. */
    @JsonPropertyOrder({"expiresAt", "entry"})
    record FileRecord(long expiresAt, String entry) {}

    /** The file could not be parsed. */
    static class CorruptFileException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptFileException(String message) {
            super(message);
        }
    }

    /** The file is of a newer format: not ours to read, repair or move aside. */
    static final class NewerFormatException extends CorruptFileException {
        private static final long serialVersionUID = 1L;

        NewerFormatException(int format) {
            super("format " + format + ", this version reads " + FORMAT);
        }
    }

    /** The top-level {@code format} of a document that did not bind, or -1. */
    private static int formatOf(String text) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(text);
            return n != null && n.path("format").isInt() ? n.path("format").asInt() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Identity of one version of the file: a rename gives a new inode; size and mtime guard reuse. */
    record FileId(Object fileKey, long size, long mtimeNanos) {
        static FileId of(Path p) {
            try {
                BasicFileAttributes a =
                        Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                return new FileId(
                        a.fileKey(), a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot stat " + p + ": " + e, e);
            }
        }
    }

    private record Snapshot(FileId id, Map<String, FileRecord> entries) {}
}
