package io.amorsize.cache;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes made while the primary (Redis) was unavailable, kept so they can be replayed to it when it
 * answers again: nothing written during an outage is lost.
 *
 * <p>File {@link #FILE_NAME} in the cache directory, one JSON object per line:
 * {@code {"key":"<key>","expiresAt":<epoch millis>,"entry":"<EntryCodec JSON as a string>"}}.
 * Appends are fsynced and made under the same {@link FileStore#LOCK_NAME} lock as the file store
 * (processes and threads serialise). A line cut short by a crash is skipped on read, and the next
 * append starts on a fresh line.
 *
 * <p>{@link #replayTo} sends the newest journaled entry of each key to the primary unless the
 * primary already holds an entry at least as new (createdAt; newer wins; then only the journaled
 * observations the primary's entry lacks are appended to it, by id), then removes what it
 * replayed with one atomic rewrite. It is idempotent: a crash or an outage mid-replay leaves the
 * journal as it was (or with the replayed lines removed), and replaying again changes nothing that
 * was already replayed. Two replays racing with another writer of the same key can still let an
 * older entry win between the read and the write; the store API has no compare-and-set.
 */
@SuppressWarnings("try") // lock holders are try-with-resources without a body reference
public final class Journal {

    /** Name of the journal file in the cache directory. */
    public static final String FILE_NAME = "amorsize-journal.jsonl";
    /** Above this size an append first compacts the journal to the newest line per key. */
    static final long COMPACT_BYTES = 4L << 20;
    /** A journal larger than this (never written by us: appends compact first) is moved aside as corrupt. */
    static final long MAX_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path file;
    private final Path lockFile;
    private final EntryCodec codec;
    private final Duration ttl;
    private final Clock clock;

    /** Outcome of one replay. */
    public record ReplayResult(int replayed, int skippedOlder, int dropped, int remaining, boolean complete) {
    }

    public Journal(Path dir, EntryCodec codec, Duration ttl, Clock clock) {
        Path d = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.file = d.resolve(FILE_NAME);
        this.lockFile = d.resolve(FileStore.LOCK_NAME);
        this.codec = Objects.requireNonNull(codec, "codec");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new IllegalArgumentException("dir " + d + " cannot be created: " + e, e);
        }
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** True when the journal file has something in it (cheap: one stat). */
    public boolean hasPending() {
        try {
            return Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Appends {@code entry} durably (fsync before returning).
     *
     * @throws StoreUnavailableException when the file cannot be written or locked in time
     */
    public void append(String key, CacheEntry entry) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entry, "entry");
        String encoded = new String(codec.encode(key, entry), StandardCharsets.UTF_8);
        byte[] line;
        try {
            line = (new String(FileStore.MAPPER.writeValueAsBytes(
                    new Line(key, clock.millis() + ttl.toMillis(), encoded)), StandardCharsets.UTF_8) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a journal line", e);
        }
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            if (Files.exists(file) && Files.size(file) > COMPACT_BYTES) {
                rewriteLocked(r -> true);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                long size = ch.size();
                ch.position(size); // appends are serialised by the lock
                ByteBuffer buf;
                if (size > 0 && !endsWithNewline(ch, size)) {
                    buf = ByteBuffer.allocate(line.length + 1).put((byte) '\n').put(line).flip();
                } else {
                    buf = ByteBuffer.wrap(line);
                }
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.size(file) == line.length) {
                AtomicFiles.fsyncDirectory(file.getParent()); // a new file: make its name durable too
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot append to " + file + ": " + e, e);
        }
    }

    /** The newest valid, unexpired entry per key currently in the journal. */
    public Map<String, CacheEntry> pending() {
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            return newestPerKey(readLocked());
        }
    }

    /**
     * Replays the journal to {@code primary}: for each key the newest journaled entry is written
     * unless the primary already has one at least as new. Stops at the first
     * {@link StoreUnavailableException} (what was replayed is still removed from the journal).
     */
    public ReplayResult replayTo(RecommendationStore primary) {
        Objects.requireNonNull(primary, "primary");
        int[] dropped = new int[1];
        Map<String, CacheEntry> todo;
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            todo = newestPerKey(readLocked(dropped));
        }
        Map<String, Long> done = new HashMap<>();
        int replayed = 0;
        int skipped = 0;
        boolean complete = true;
        for (Map.Entry<String, CacheEntry> e : todo.entrySet()) {
            String key = e.getKey();
            CacheEntry entry = e.getValue();
            if (!key.equals(primary.render(entry.key()))) {
                continue; // written under another prefix: not this primary's, left in the journal
            }
            try {
                Optional<CacheHit> existing = primary.get(entry.key());
                if (existing.isPresent() && existing.get().entry().createdAtMillis() >= entry.createdAtMillis()) {
                    // the primary's entry stays; observations journaled during the outage are merged into it
                    int merged = replayObservations(primary, existing.get().entry(), entry);
                    if (merged > 0) {
                        replayed++;
                    } else {
                        skipped++;
                    }
                } else {
                    primary.put(entry.key(), entry);
                    replayed++;
                }
                done.put(key, entry.createdAtMillis());
            } catch (StoreUnavailableException ex) {
                complete = false;
                LOG.debug("amorsize cache: journal replay interrupted at {}: {}", key, ex.getMessage());
                break;
            }
        }
        int remaining;
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            remaining = rewriteLocked(r -> {
                Long t = done.get(r.key());
                return t == null || r.entry().createdAtMillis() > t;
            });
        } catch (IOException ex) {
            throw new StoreUnavailableException("cannot rewrite " + file + ": " + ex, ex);
        }
        if (replayed + skipped > 0 || dropped[0] > 0) {
            LOG.info("amorsize cache: journal replay: {} entries written to the primary, {} skipped (primary newer), "
                    + "{} invalid or expired dropped, {} left{}", replayed, skipped, dropped[0], remaining,
                    complete ? "" : " (primary unavailable again)");
        }
        return new ReplayResult(replayed, skipped, dropped[0], remaining, complete && remaining == 0);
    }

    /**
     * Appends to the primary the observations of {@code journaled} that {@code existing} lacks
     * (by id, oldest first) through {@link RecommendationStore#observe}, so a concurrent observer's
     * are kept too. Returns how many.
     */
    private static int replayObservations(RecommendationStore primary, CacheEntry existing, CacheEntry journaled) {
        java.util.Set<Long> have = new java.util.HashSet<>();
        existing.history().forEach(o -> have.add(o.id()));
        int n = 0;
        for (io.amorsize.model.Observation o : journaled.history()) {
            if (have.add(o.id()) && primary.observe(existing.key(), o, CacheEntry.MAX_HISTORY)) {
                n++;
            }
        }
        return n;
    }

    /** Removes the journaled writes whose key matches {@code keyFilter} (after a delete or clear). */
    public void remove(Predicate<String> keyFilter) {
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            if (Files.exists(file)) {
                rewriteLocked(r -> !keyFilter.test(r.key()));
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot rewrite " + file + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------ internals

    /** A valid journal line, decoded. */
    record Record(String key, long expiresAt, CacheEntry entry) {
    }

    @JsonPropertyOrder({"key", "expiresAt", "entry"})
    record Line(String key, long expiresAt, String entry) {
    }

    /** Valid, unexpired records in file order; invalid lines counted in {@code bad[0]}. */
    private List<Record> readLocked(int[] bad) {
        List<Record> out = new ArrayList<>();
        List<String> lines;
        try {
            if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
                Path moved = AtomicFiles.quarantine(file);
                LOG.warn("amorsize cache: journal {} is larger than {} bytes; moved it to {}", file, MAX_BYTES, moved.getFileName());
                return out;
            }
            lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read " + file + ": " + e, e);
        }
        long now = clock.millis();
        for (String s : lines) {
            if (s.isBlank()) {
                continue;
            }
            try {
                Line l = FileStore.MAPPER.readValue(s, Line.class);
                CacheEntry e = codec.decode(l.key(), l.entry().getBytes(StandardCharsets.UTF_8));
                if (l.expiresAt() > now) {
                    out.add(new Record(l.key(), l.expiresAt(), e));
                } else {
                    bad[0]++;
                }
            } catch (IOException | RejectedEntryException | RuntimeException ex) {
                bad[0]++;
                LOG.debug("amorsize cache: skipped an invalid journal line: {}", StrictJson.shorten(ex.getMessage()));
            }
        }
        return out;
    }

    private List<Record> readLocked() {
        return readLocked(new int[1]);
    }

    private static Map<String, CacheEntry> newestPerKey(List<Record> records) {
        Map<String, CacheEntry> m = new LinkedHashMap<>();
        for (Record r : records) {
            m.merge(r.key(), r.entry(), (a, b) -> b.createdAtMillis() >= a.createdAtMillis() ? b : a);
        }
        return m;
    }

    /**
     * Rewrites the journal atomically with the records {@code keep} accepts, newest per key only;
     * deletes it when nothing is left. Returns the number of lines kept.
     */
    private int rewriteLocked(Predicate<Record> keep) throws IOException {
        List<Record> records = readLocked();
        Map<String, Record> newest = new LinkedHashMap<>();
        for (Record r : records) {
            if (keep.test(r)) {
                newest.merge(r.key(), r, (a, b) -> b.entry().createdAtMillis() >= a.entry().createdAtMillis() ? b : a);
            }
        }
        if (newest.isEmpty()) {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.fsyncDirectory(file.getParent());
            }
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        for (Record r : newest.values()) {
            sb.append(new String(FileStore.MAPPER.writeValueAsBytes(new Line(r.key(), r.expiresAt(),
                    new String(codec.encode(r.key(), r.entry()), StandardCharsets.UTF_8))), StandardCharsets.UTF_8)).append('\n');
        }
        AtomicFiles.deleteTempLeftovers(file);
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return newest.size();
    }

    private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, size - 1);
        return one.get(0) == '\n';
    }
}
