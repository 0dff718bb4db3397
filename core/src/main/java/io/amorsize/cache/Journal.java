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
 * <p>File {@link #fileName(String)} in the cache directory (named after the shared cache it belongs to,
 * {@link CacheTarget}, so that writes for one Redis, prefix or secret are never replayed into another),
 * one JSON object per line:
 * {@code {"key":"<key>","expiresAt":<epoch millis>,"entry":"<EntryCodec JSON as a string>"}}.
 * Appends are fsynced and made under the same {@link FileStore#LOCK_NAME} lock as the file store
 * (processes and threads serialise). A line cut short by a crash is skipped on read, and the next
 * append starts on a fresh line.
 *
 * <p>Lines this process cannot verify (signed with another secret, or under another prefix) are kept,
 * never dropped; a per-key error during replay (WRONGTYPE, NOPERM) skips and keeps that line.
 *
 * <p>{@link #replayTo} sends the newest journaled entry of each key to the primary unless the
 * primary already holds an entry at least as new (createdAt; newer wins; then only the journaled
 * observations the primary's entry lacks are appended to it, by id), then removes what it
 * replayed with one atomic rewrite. It is idempotent: a crash or an outage mid-replay leaves the
 * journal as it was (or with the replayed lines removed), and replaying again changes nothing that
 * was already replayed. Each line is written with {@link RecommendationStore#putIfNewer}, which Redis
 * runs as one compare-and-set script, so a replay racing with another writer never lets an older entry win.
 */
@SuppressWarnings("try") // lock holders are try-with-resources without a body reference
public final class Journal {

    /** Start of the journal's name; {@link #fileName(String)} adds the target and the format version. */
    public static final String FILE_PREFIX = "amorsize-journal-";
    /** Most time one replay spends writing to the primary; the rest waits for the next one. */
    static final Duration REPLAY_BUDGET = Duration.ofSeconds(5);
    /** Compare-and-sets per pipelined round trip of a replay ({@link RecommendationStore#putAllIfNewer}). */
    static final int REPLAY_BATCH = 64;
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
    /** Why the directory is not used (another user's, or writable by others), or null. */
    private final String refused;

    /**
     * Outcome of one replay.
     *
     * @param replayed     entries written to the primary
     * @param skippedOlder entries not written because the primary holds one at least as new
     * @param dropped      invalid (cut short, unparseable) or expired lines removed
     * @param failed       entries the primary refused with a per-key error (WRONGTYPE, NOPERM): kept
     * @param remaining    lines left in the journal (failed, unverifiable, another prefix, not reached)
     * @param stopped      true when the primary became unavailable or the time budget ran out before
     *                     every key was tried (a later replay goes on)
     */
    public record ReplayResult(
            int replayed, int skippedOlder, int dropped, int failed, int remaining, boolean stopped) {
        /** True when every key was tried and nothing is left in the journal. */
        public boolean complete() {
            return !stopped && remaining == 0;
        }
    }

    /**
     * How one journaled entry is written to the primary: the replay's only write, so that it can be
     * replaced by a compare-and-set on the server. Returns true when it wrote, false when the primary
     * already holds an entry at least as new. Throws {@link StoreUnavailableException} when the
     * primary is unavailable (the replay stops), any other exception for a per-key error (the line is
     * kept and the replay goes on).
     */
    @FunctionalInterface
    public interface ReplayWriter {
        boolean write(RecommendationStore primary, CacheEntry entry);

        /**
         * Write unless the primary is at least as new (createdAt): {@link RecommendationStore#putIfNewer},
         * one compare-and-set script on Redis.
         */
        ReplayWriter IF_NEWER = (primary, entry) -> primary.putIfNewer(entry.key(), entry);
    }

    /** The journal of {@code target} ({@link CacheTarget#id}) in {@code dir}. */
    public Journal(Path dir, String target, EntryCodec codec, Duration ttl, Clock clock) {
        Path d = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.file = d.resolve(fileName(target));
        this.lockFile = d.resolve(FileStore.LOCK_NAME);
        this.codec = Objects.requireNonNull(codec, "codec");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            AtomicFiles.createPrivateDirectories(d);
        } catch (IOException e) {
            throw new IllegalArgumentException("dir " + d + " cannot be created: " + e, e);
        }
        this.refused = AtomicFiles.refusal(d);
    }

    /** The journal of {@code store}'s target, next to its file. */
    static Journal of(FileStore store) {
        return new Journal(store.directory(), store.target(), store.codec(), store.ttl(), store.clock());
    }

    /** Name of the journal of {@code target}: {@code amorsize-journal-<target>.v1.jsonl}. */
    public static String fileName(String target) {
        return FILE_PREFIX + target + ".v1.jsonl";
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** True when the journal file has something in it (cheap: one stat). */
    public boolean hasPending() {
        if (refused != null) {
            return false;
        }
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
            line = (new String(
                                    FileStore.MAPPER.writeValueAsBytes(
                                            new Line(key, clock.millis() + ttl.toMillis(), encoded)),
                                    StandardCharsets.UTF_8)
                            + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a journal line", e);
        }
        requireUsableDirectory();
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            if (Files.exists(file) && Files.size(file) > COMPACT_BYTES) {
                rewriteLocked(r -> true, k -> true);
            }
            try (FileChannel ch = AtomicFiles.openPrivate(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                long size = ch.size();
                ch.position(size); // appends are serialised by the lock
                ByteBuffer buf;
                if (size > 0 && !endsWithNewline(ch, size)) {
                    buf = ByteBuffer.allocate(line.length + 1)
                            .put((byte) '\n')
                            .put(line)
                            .flip();
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
        requireUsableDirectory();
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            return newestPerKey(readLocked().records());
        }
    }

    /** {@link #replayTo(RecommendationStore, ReplayWriter, Duration)} read-then-write, within {@link #REPLAY_BUDGET}. */
    public ReplayResult replayTo(RecommendationStore primary) {
        return replayTo(primary, ReplayWriter.IF_NEWER, REPLAY_BUDGET);
    }

    /**
     * Replays the journal to {@code primary}: for each key the newest journaled entry is written by
     * {@code writer} (unless the primary already has one at least as new). Stops at the first
     * {@link StoreUnavailableException} or when {@code budget} is spent (what was replayed is still
     * removed from the journal). The writes go out in pipelined batches of {@link #REPLAY_BATCH} when
     * {@code writer} is {@link ReplayWriter#IF_NEWER}. A per-key error skips that key and keeps its line. Lines this process
     * cannot verify (another secret, another prefix) are kept, never dropped.
     */
    public ReplayResult replayTo(RecommendationStore primary, ReplayWriter writer, Duration budget) {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(writer, "writer");
        long deadline = System.nanoTime() + budget.toNanos();
        Parsed parsed;
        requireUsableDirectory();
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            parsed = readLocked();
        }
        Map<String, CacheEntry> todo = newestPerKey(parsed.records());
        List<Map.Entry<String, CacheEntry>> mine = new ArrayList<>(todo.size());
        for (Map.Entry<String, CacheEntry> e : todo.entrySet()) {
            if (e.getKey().equals(primary.render(e.getValue().key()))) {
                mine.add(e); // a line under another prefix is not this primary's: left in the journal
            }
        }
        // The plain compare-and-set goes to the primary in pipelined batches (Redis: one round trip per
        // batch); a custom writer (tests) sees one entry at a time.
        boolean pipelined = writer == ReplayWriter.IF_NEWER;
        int batchSize = pipelined ? REPLAY_BATCH : 1;
        Map<String, Long> done = new HashMap<>();
        int replayed = 0;
        int skipped = 0;
        int failed = 0;
        boolean stopped = false;
        batches:
        for (int from = 0; from < mine.size(); from += batchSize) {
            if (System.nanoTime() - deadline > 0) {
                stopped = true;
                LOG.debug(
                        "amorsize cache: journal replay stopped after {} ms; the rest waits for the next one",
                        budget.toMillis());
                break;
            }
            List<Map.Entry<String, CacheEntry>> batch = mine.subList(from, Math.min(mine.size(), from + batchSize));
            List<RecommendationStore.PutOutcome> outcomes;
            try {
                outcomes = pipelined
                        ? primary.putAllIfNewer(
                                batch.stream().map(Map.Entry::getValue).toList())
                        : List.of(writeOne(primary, writer, batch.get(0).getValue()));
            } catch (StoreUnavailableException ex) {
                stopped = true;
                LOG.debug(
                        "amorsize cache: journal replay interrupted at {}: {}",
                        batch.get(0).getKey(),
                        ex.getMessage());
                break;
            }
            for (int i = 0; i < batch.size(); i++) {
                String key = batch.get(i).getKey();
                CacheEntry entry = batch.get(i).getValue();
                RecommendationStore.PutOutcome outcome = outcomes.get(i);
                if (outcome.error() instanceof StoreUnavailableException ex) {
                    stopped = true; // the primary went away part-way: the rest waits for the next replay
                    LOG.debug("amorsize cache: journal replay interrupted at {}: {}", key, ex.getMessage());
                    break batches;
                }
                if (outcome.refused()) {
                    failed++; // WRONGTYPE, NOPERM, a refused entry: keep the line, go on with the others
                    LOG.debug(
                            "amorsize cache: journal replay skipped {}: {}",
                            key,
                            StrictJson.shorten(outcome.error().getMessage()));
                    continue;
                }
                try {
                    if (outcome.written()) {
                        replayed++;
                    } else {
                        // the primary's entry stays; observations journaled during the outage are merged into it
                        Optional<CacheHit> existing = primary.get(entry.key());
                        if (existing.isPresent()
                                && replayObservations(primary, existing.get().entry(), entry) > 0) {
                            replayed++;
                        } else {
                            skipped++;
                        }
                    }
                    done.put(key, entry.createdAtMillis());
                } catch (StoreUnavailableException ex) {
                    stopped = true;
                    LOG.debug("amorsize cache: journal replay interrupted at {}: {}", key, ex.getMessage());
                    break batches;
                } catch (RuntimeException ex) {
                    failed++;
                    LOG.debug(
                            "amorsize cache: journal replay skipped {}: {}", key, StrictJson.shorten(ex.getMessage()));
                }
            }
        }
        int remaining;
        requireUsableDirectory();
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            remaining = rewriteLocked(
                    r -> {
                        Long t = done.get(r.key());
                        return t == null || r.entry().createdAtMillis() > t;
                    },
                    k -> true);
        } catch (IOException ex) {
            throw new StoreUnavailableException("cannot rewrite " + file + ": " + ex, ex);
        }
        if (replayed + skipped + failed > 0 || parsed.bad() > 0) {
            LOG.info(
                    "amorsize cache: journal replay: {} entries written to the primary, {} skipped (primary newer), "
                            + "{} refused by the primary and kept, {} invalid or expired dropped, {} left{}",
                    replayed,
                    skipped,
                    failed,
                    parsed.bad(),
                    remaining,
                    stopped ? " (primary unavailable again or time is up)" : "");
        }
        return new ReplayResult(replayed, skipped, parsed.bad(), failed, remaining, stopped);
    }

    /** {@code writer}'s write of one entry as an outcome: a per-key error is that entry's refusal. */
    private static RecommendationStore.PutOutcome writeOne(
            RecommendationStore primary, ReplayWriter writer, CacheEntry entry) {
        try {
            return writer.write(primary, entry)
                    ? RecommendationStore.PutOutcome.WRITTEN
                    : RecommendationStore.PutOutcome.KEPT_NEWER;
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return RecommendationStore.PutOutcome.refused(e);
        }
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
        requireUsableDirectory();
        try (FileLocks.Held ignored = FileLocks.acquire(lockFile, FileStore.LOCK_TIMEOUT)) {
            if (Files.exists(file)) {
                rewriteLocked(r -> !keyFilter.test(r.key()), k -> !keyFilter.test(k));
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot rewrite " + file + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------ internals

    /** A valid journal line, decoded. */
    record Record(String key, long expiresAt, CacheEntry entry) {}

    @JsonPropertyOrder({"key", "expiresAt", "entry"})
    record Line(String key, long expiresAt, String entry) {}

    /**
     * The journal as read: valid unexpired records in file order, unexpired lines this process cannot
     * verify (kept as they are), and the count of invalid or expired lines (dropped by a rewrite).
     */
    private record Parsed(List<Record> records, List<Line> unverified, int bad) {}

    private void requireUsableDirectory() {
        if (refused != null) {
            throw new StoreUnavailableException(refused);
        }
    }

    private Parsed readLocked() {
        requireUsableDirectory();
        List<Record> out = new ArrayList<>();
        List<Line> unverified = new ArrayList<>();
        int bad = 0;
        List<String> lines;
        try {
            if (Files.exists(file) && Files.size(file) > MAX_BYTES) {
                Path moved = AtomicFiles.quarantine(file);
                LOG.warn(
                        "amorsize cache: journal {} is larger than {} bytes; moved it to {}",
                        file,
                        MAX_BYTES,
                        moved.getFileName());
                return new Parsed(out, unverified, 0);
            }
            lines = List.of(new String(AtomicFiles.readNoFollow(file), StandardCharsets.UTF_8).split("\n"));
        } catch (NoSuchFileException e) {
            return new Parsed(out, unverified, 0);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read " + file + ": " + e, e);
        }
        long now = clock.millis();
        for (String s : lines) {
            if (s.isBlank()) {
                continue;
            }
            Line l;
            try {
                l = FileStore.MAPPER.readValue(s, Line.class);
                if (l == null || l.key() == null || l.entry() == null) {
                    throw new IOException("incomplete line");
                }
            } catch (IOException | RuntimeException ex) {
                bad++; // cut short by a crash, or not ours at all
                LOG.debug("amorsize cache: skipped an invalid journal line: {}", StrictJson.shorten(ex.getMessage()));
                continue;
            }
            if (l.expiresAt() <= now) {
                bad++;
                continue;
            }
            try {
                out.add(new Record(
                        l.key(), l.expiresAt(), codec.decode(l.key(), l.entry().getBytes(StandardCharsets.UTF_8))));
            } catch (RejectedEntryException | RuntimeException ex) {
                unverified.add(l); // another secret or a newer format: not ours to judge, not ours to delete
                LOG.debug(
                        "amorsize cache: kept a journal line this process cannot verify: {}",
                        StrictJson.shorten(ex.getMessage()));
            }
        }
        return new Parsed(out, unverified, bad);
    }

    private static Map<String, CacheEntry> newestPerKey(List<Record> records) {
        Map<String, CacheEntry> m = new LinkedHashMap<>();
        for (Record r : records) {
            m.merge(r.key(), r.entry(), (a, b) -> b.createdAtMillis() >= a.createdAtMillis() ? b : a);
        }
        return m;
    }

    /**
     * Rewrites the journal atomically with the records {@code keep} accepts, newest per key only, and
     * the unverifiable lines whose key {@code keepUnverified} accepts; deletes it when nothing is left.
     * Returns the number of lines kept.
     */
    private int rewriteLocked(Predicate<Record> keep, Predicate<String> keepUnverified) throws IOException {
        Parsed parsed = readLocked();
        Map<String, Record> newest = new LinkedHashMap<>();
        for (Record r : parsed.records()) {
            if (keep.test(r)) {
                newest.merge(
                        r.key(),
                        r,
                        (a, b) -> b.entry().createdAtMillis() >= a.entry().createdAtMillis() ? b : a);
            }
        }
        List<Line> others = parsed.unverified().stream()
                .filter(l -> keepUnverified.test(l.key()))
                .toList();
        if (newest.isEmpty() && others.isEmpty()) {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.fsyncDirectory(file.getParent());
            }
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        for (Record r : newest.values()) {
            sb.append(new String(
                            FileStore.MAPPER.writeValueAsBytes(new Line(
                                    r.key(),
                                    r.expiresAt(),
                                    new String(codec.encode(r.key(), r.entry()), StandardCharsets.UTF_8))),
                            StandardCharsets.UTF_8))
                    .append('\n');
        }
        for (Line l : others) {
            sb.append(new String(FileStore.MAPPER.writeValueAsBytes(l), StandardCharsets.UTF_8))
                    .append('\n');
        }
        AtomicFiles.deleteTempLeftovers(file);
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return newest.size() + others.size();
    }

    private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, size - 1);
        return one.get(0) == '\n';
    }
}
