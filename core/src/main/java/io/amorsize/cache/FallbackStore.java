package io.amorsize.cache;

import io.amorsize.key.CacheKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary store (Redis, in production) backed by the local {@link FileStore}, so that a primary
 * outage never fails a look-up and loses no write.
 *
 * <ul>
 *   <li><b>get</b>: the primary; on {@link StoreUnavailableException} the file (hits report
 *       {@link io.amorsize.Source#CACHE_FILE}). A primary hit is copied to the file once per entry
 *       version (write-through, by a background daemon thread that batches copies into one file
 *       rewrite, so a hit never waits for the disk) so a later outage still has it; the primary only
 *       returns entries that passed validation, and the file re-validates on write, so a rejected
 *       entry is never copied. {@link #close()} flushes pending copies.
 *       A primary miss that the file can answer (Redis restarted empty) is answered by the file and
 *       copied back into the primary ({@link RecommendationStore#putIfNewer}).</li>
 *   <li><b>put</b>: the primary, then the file in the background (a put never waits for the disk;
 *       the background write waits at most {@link #BACKGROUND_LOCK_TIMEOUT} for the file's lock); when
 *       the primary is unavailable, the file and the {@link Journal}, on the caller's thread. The next
 *       call the primary answers starts a replay of the journal on the background thread, time-boxed
 *       ({@link Journal#REPLAY_BUDGET}), never on the caller's; until it ends, a primary miss is
 *       answered from the file (newer createdAt wins; a newer entry in the primary is never
 *       overwritten).</li>
 *   <li>An outage is logged once at WARN when it starts and once at INFO when it ends, not per call.</li>
 *   <li>Failures of the file alone are logged (once per kind) and never fail a call the primary served.</li>
 * </ul>
 * Only {@link StoreUnavailableException} from the primary triggers the fallback; any other
 * exception (a server error, bad input) propagates.
 */
public final class FallbackStore implements RecommendationStore {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackStore.class);
    private static final int COPIED_CAP = 10_000;
    /** Lock wait of a background file write: a busy file skips a copy rather than queueing behind it. */
    static final Duration BACKGROUND_LOCK_TIMEOUT = Duration.ofSeconds(1);

    private final RecommendationStore primary;
    private final FileStore file;
    private final Journal journal;
    private final AtomicBoolean primaryDown = new AtomicBoolean(false);
    private final AtomicBoolean replayNeeded = new AtomicBoolean();
    private final ReentrantLock replayLock = new ReentrantLock();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicBoolean fileFailureLogged = new AtomicBoolean();
    private final AtomicBoolean copyBackLogged = new AtomicBoolean();
    private final AtomicLong fileAfterPrimaryMiss = new AtomicLong();
    /** key -> createdAt of the version already copied to the file by this JVM. */
    private final ConcurrentMap<CacheKey, Long> copied = new ConcurrentHashMap<>();
    /** Primary hits waiting to be copied to the file by the background thread. */
    private final ConcurrentMap<CacheKey, CacheEntry> pendingCopies = new ConcurrentHashMap<>();

    private final AtomicBoolean copyScheduled = new AtomicBoolean();
    private final AtomicBoolean replayScheduled = new AtomicBoolean();
    private final Journal.ReplayWriter replayWriter;
    /** Copies to the file, file writes after a put, and journal replays: one daemon thread, created on first use. */
    private ExecutorService background;

    /**
     * @param primary the shared store (its {@link StoreUnavailableException}s trigger the fallback)
     * @param file    the local file store; its directory, codec and TTL are used for the journal
     */
    public FallbackStore(RecommendationStore primary, FileStore file) {
        this(primary, file, Journal.of(file));
    }

    FallbackStore(RecommendationStore primary, FileStore file, Journal journal) {
        this(primary, file, journal, Journal.ReplayWriter.IF_NEWER);
    }

    /** As above, with the write a replay makes for each journaled entry ({@link Journal.ReplayWriter}). */
    FallbackStore(RecommendationStore primary, FileStore file, Journal journal, Journal.ReplayWriter replayWriter) {
        this.replayWriter = Objects.requireNonNull(replayWriter, "replayWriter");
        this.primary = Objects.requireNonNull(primary, "primary");
        this.file = Objects.requireNonNull(file, "file");
        this.journal = Objects.requireNonNull(journal, "journal");
        if (!primary.keyPrefix().equals(file.keyPrefix())) {
            throw new IllegalArgumentException("the primary's key prefix '" + primary.keyPrefix()
                    + "' differs from the file's '" + file.keyPrefix() + "'");
        }
        // Another process (or an earlier run) may have journaled writes: replay them at the first chance.
        replayNeeded.set(journal.hasPending());
    }

    /** The prefix of both stores. */
    @Override
    public String keyPrefix() {
        return primary.keyPrefix();
    }

    /** The primary store. */
    public RecommendationStore primary() {
        return primary;
    }

    /** The local file store. */
    public FileStore fileStore() {
        return file;
    }

    /** The journal of writes made while the primary was unavailable. */
    public Journal journal() {
        return journal;
    }

    /** True while the last call to the primary failed with {@link StoreUnavailableException}. */
    public boolean primaryUnavailable() {
        return primaryDown.get();
    }

    // ------------------------------------------------------------------ store API

    @Override
    public Optional<CacheHit> get(CacheKey key) {
        boolean journaled = replayNeeded.get() || primaryDown.get(); // before the call: a replay may end during it
        Optional<CacheHit> hit;
        try {
            hit = primary.get(key);
        } catch (StoreUnavailableException e) {
            down(e);
            return fileGet(key);
        }
        up();
        if (hit.isEmpty() && journaled) {
            // the journal is not replayed yet (that happens in the background): what was written
            // during the outage is in the local file
            return fileGet(key);
        }
        if (hit.isEmpty()) {
            return copyBack(key);
        }
        copyToFile(key, hit.get().entry());
        return hit;
    }

    /**
     * The primary answered with a miss: when the local file holds the entry (Redis restarted empty,
     * evicted or lost it), copy it back into the primary (newer createdAt wins there) and answer from the file.
     */
    private Optional<CacheHit> copyBack(CacheKey key) {
        fileAfterPrimaryMiss.incrementAndGet(); // one look-up: the file's outcome replaces the primary's miss
        Optional<CacheHit> local = fileGet(key);
        if (local.isEmpty()) {
            return local;
        }
        try {
            if (primary.putIfNewer(key, local.get().entry())) {
                if (copyBackLogged.compareAndSet(false, true)) {
                    LOG.info(
                            "amorsize cache: the primary store had lost {} (restarted empty or evicted); copied the "
                                    + "local file's entry back (further copies are logged at DEBUG)",
                            render(key));
                } else {
                    LOG.debug("amorsize cache: copied {} from the local file back into the primary store", render(key));
                }
            }
        } catch (StoreUnavailableException e) {
            down(e);
        } catch (RuntimeException e) {
            LOG.debug("amorsize cache: could not copy {} back into the primary store: {}", render(key), e.toString());
        }
        return local;
    }

    @Override
    public void put(CacheKey key, CacheEntry entry) {
        Objects.requireNonNull(entry, "entry");
        try {
            primary.put(key, entry);
        } catch (StoreUnavailableException e) {
            down(e);
            StoreUnavailableException failure = null;
            try {
                journal.append(file.render(key), entry);
                replayNeeded.set(true);
            } catch (StoreUnavailableException je) {
                failure = je;
            }
            try {
                file.put(key, entry);
                remember(key, entry.createdAtMillis());
            } catch (StoreUnavailableException fe) {
                fileFailed(fe);
                if (failure != null) {
                    throw new StoreUnavailableException(
                            "primary unavailable and the local file and journal " + "cannot be written: "
                                    + fe.getMessage(),
                            fe);
                }
            }
            if (failure != null) {
                fileFailed(failure);
            }
            return;
        }
        up();
        copyToFile(key, entry); // the local copy is written in the background: a put never waits for the disk
    }

    /**
     * The primary merges the observation; when it is unavailable, the file does (under its lock) and
     * the merged entry is journaled, so the replay appends the observation to the primary's entry.
     */
    @Override
    public boolean observe(CacheKey key, io.amorsize.model.Observation observation, int keep) {
        Objects.requireNonNull(observation, "observation");
        boolean stored;
        try {
            stored = primary.observe(key, observation, keep);
        } catch (StoreUnavailableException e) {
            down(e);
            flushFileCopies(); // the entry's file copy may still be queued behind the put that made it
            boolean inFile = file.observe(key, observation, keep);
            if (inFile) {
                file.read(key).ifPresent(merged -> {
                    journal.append(file.render(key), merged);
                    replayNeeded.set(true);
                });
            }
            return inFile;
        }
        up();
        // On the background thread, queued behind the file copy of the put that made the entry: written
        // on the caller's thread, the observation found no entry in the file while that copy was still
        // queued, and was missing from the file (found under .ci/stress by FallbackStoreTest).
        Runnable toFile = () -> {
            try {
                file.observe(key, observation, keep);
            } catch (StoreUnavailableException fe) {
                fileFailed(fe);
            }
        };
        try {
            background().execute(toFile);
        } catch (RejectedExecutionException e) {
            toFile.run(); // closed: no background thread any more
        }
        return stored;
    }

    @Override
    public boolean clearHistory(CacheKey key) {
        boolean inFile = false;
        flushFileCopies(); // an observation queued for the file lands first, then is cleared with the rest
        try {
            inFile = file.clearHistory(key);
        } catch (StoreUnavailableException fe) {
            fileFailed(fe);
        }
        try {
            boolean r = primary.clearHistory(key);
            up();
            return r || inFile;
        } catch (StoreUnavailableException e) {
            down(e);
            return inFile; // not journaled: clear it again once the primary answers
        }
    }

    @Override
    public boolean delete(CacheKey key) {
        boolean inFile = false;
        // A file copy still queued (or being written) would bring the key back after the delete: drop
        // it and let the background thread finish what it has taken (found under .ci/stress).
        pendingCopies.remove(key);
        flushFileCopies();
        try {
            inFile = file.delete(key);
            journal.remove(file.render(key)::equals);
        } catch (StoreUnavailableException fe) {
            fileFailed(fe);
        }
        copied.remove(key);
        try {
            boolean r = primary.delete(key);
            up();
            return r || inFile;
        } catch (StoreUnavailableException e) {
            down(e);
            return inFile;
        }
    }

    @Override
    public List<String> scan(String pattern) {
        try {
            List<String> keys = primary.scan(pattern);
            up();
            return keys;
        } catch (StoreUnavailableException e) {
            down(e);
            return file.scan(pattern);
        }
    }

    /** Clears matching keys in the primary, the file and the journal; returns the primary's count (the file's when it is down). */
    @Override
    public long clear(String pattern) {
        long inFile = 0;
        pendingCopies.clear(); // as in delete: a queued copy must not bring a cleared key back
        flushFileCopies();
        try {
            inFile = file.clear(pattern);
            String scoped = EntryFormat.scoped(file.keyPrefix(), pattern);
            Pattern p = InMemoryStore.globToRegex(scoped);
            journal.remove(k -> p.matcher(k).matches());
        } catch (StoreUnavailableException fe) {
            fileFailed(fe);
        }
        copied.clear();
        try {
            long n = primary.clear(pattern);
            up();
            return n;
        } catch (StoreUnavailableException e) {
            down(e);
            return inFile;
        }
    }

    /**
     * The primary's server fields and breaker state with both stores' counters added, backend
     * {@code "redis+file"}; {@code fallbacks} includes this store's calls served by the file.
     */
    @Override
    public StoreStats stats() {
        StoreStats f = file.stats();
        StoreStats p;
        try {
            p = primary.stats();
        } catch (RuntimeException e) {
            p = new StoreStats(false, "", -1, -1, "", -1, -1, 0, 0, 0, 0, "");
        }
        boolean enabled = p.enabled() && !primaryDown.get();
        return new StoreStats(
                enabled,
                "redis+file",
                p.keyCount() >= 0 ? p.keyCount() : f.keyCount(),
                p.memoryUsedBytes(),
                p.serverVersion(),
                p.connectedClients(),
                p.uptimeSeconds(),
                p.hits() + f.hits(),
                Math.max(0, p.misses() + f.misses() - fileAfterPrimaryMiss.get()),
                fallbacks.get() + p.fallbacks(),
                p.rejected() + f.rejected(),
                p.breakerState());
    }

    /** The primary's lock; {@link ComputeLock#NONE} when the primary is unavailable. */
    @Override
    public Optional<ComputeLock> tryLock(CacheKey key, Duration lease) {
        try {
            Optional<ComputeLock> l = primary.tryLock(key, lease);
            up();
            return l;
        } catch (StoreUnavailableException e) {
            down(e);
            return Optional.of(ComputeLock.NONE);
        }
    }

    /** Writes pending copies to the file, then closes the primary and the file store. */
    @Override
    public void close() {
        try {
            flushFileCopies();
            ExecutorService c;
            synchronized (this) {
                c = background;
            }
            if (c != null) {
                c.shutdownNow();
            }
        } finally {
            try {
                primary.close();
            } finally {
                file.close();
            }
        }
    }

    @Override
    public String toString() {
        return "FallbackStore{" + primary + " -> " + file + "}";
    }

    // ------------------------------------------------------------------ outage handling

    private void down(StoreUnavailableException e) {
        fallbacks.incrementAndGet();
        if (primaryDown.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.warn(
                    "amorsize cache: primary store unavailable ({}); using the local file {} and journaling writes "
                            + "until it answers again",
                    e.getMessage(),
                    file.file());
        }
    }

    /**
     * The primary answered: end an outage and, if the journal has anything in it, replay it on the
     * background thread (never on the caller's).
     */
    private void up() {
        if (primaryDown.compareAndSet(true, false)) {
            LOG.info("amorsize cache: primary store answers again; replaying the journal in the background");
            replayNeeded.set(true);
        }
        if (replayNeeded.get() && replayScheduled.compareAndSet(false, true)) {
            try {
                background().execute(() -> {
                    replayScheduled.set(false);
                    replay();
                });
            } catch (RejectedExecutionException e) {
                replayScheduled.set(false); // closed
            }
        }
    }

    /**
     * Replays the journal to the primary (time-boxed: {@link Journal#REPLAY_BUDGET}); one thread at a
     * time, others carry on. True if it ran. Runs on the background thread.
     */
    boolean replay() {
        if (!replayLock.tryLock()) {
            return false;
        }
        try {
            if (!replayNeeded.get()) {
                return false;
            }
            Journal.ReplayResult r = journal.replayTo(primary, replayWriter, Journal.REPLAY_BUDGET);
            // Cleared only now, so a miss during the replay still looks in the file. Lines the primary
            // refused (a per-key error) wait for the next outage's end or the next process.
            replayNeeded.set(r.stopped());
            return true;
        } catch (StoreUnavailableException e) {
            replayNeeded.set(true);
            fileFailed(e);
        } catch (RuntimeException e) {
            replayNeeded.set(true);
            LOG.warn("amorsize cache: journal replay failed: {}", e.toString());
        } finally {
            replayLock.unlock();
        }
        return true;
    }

    private Optional<CacheHit> fileGet(CacheKey key) {
        try {
            return file.get(key);
        } catch (StoreUnavailableException fe) {
            fileFailed(fe);
            return Optional.empty();
        }
    }

    /** Queues a primary hit for the file; a background thread writes the queue in one rewrite. */
    private void copyToFile(CacheKey key, CacheEntry entry) {
        Long have = copied.get(key);
        if (have != null && have >= entry.createdAtMillis()) {
            return;
        }
        pendingCopies.merge(key, entry, (a, b) -> b.createdAtMillis() >= a.createdAtMillis() ? b : a);
        if (copyScheduled.compareAndSet(false, true)) {
            try {
                background().execute(this::drainCopies);
            } catch (RejectedExecutionException e) {
                copyScheduled.set(false); // closed
            }
        }
    }

    private synchronized ExecutorService background() {
        if (background == null) {
            background = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "amorsize-cache-background");
                t.setDaemon(true);
                return t;
            });
        }
        return background;
    }

    /** Writes the queued primary hits to the file (newer-wins per key; refused entries never written). */
    void drainCopies() {
        copyScheduled.set(false);
        Map<CacheKey, CacheEntry> batch = new HashMap<>();
        for (CacheKey k : pendingCopies.keySet()) {
            CacheEntry e = pendingCopies.remove(k);
            if (e != null) {
                batch.put(k, e);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            file.putAllIfNewer(batch, BACKGROUND_LOCK_TIMEOUT);
            batch.forEach((k, e) -> remember(k, e.createdAtMillis()));
        } catch (IllegalArgumentException e) {
            // the codec refuses them: never copy an entry that would be rejected
            LOG.debug("amorsize cache: not copying {} entries to the file: {}", batch.size(), e.getMessage());
        } catch (StoreUnavailableException fe) {
            fileFailed(fe);
        }
    }

    /**
     * Waits until the background work queued so far is done: primary hits and puts queued for the
     * local file (write-through), and a journal replay. Calls do not wait for the disk or the replay;
     * call this when the file must reflect them now (tests, before handing the directory to another
     * process). {@link #close()} calls it.
     */
    public void flushFileCopies() {
        ExecutorService c;
        synchronized (this) {
            c = background;
        }
        if (c != null && !c.isShutdown()) {
            try {
                c.submit(() -> {})
                        .get(
                                Journal.REPLAY_BUDGET.toMillis() + FileStore.LOCK_TIMEOUT.toMillis() * 2,
                                TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
                LOG.debug("amorsize cache: waiting for file copies: {}", e.toString());
            }
        }
        drainCopies();
    }

    private void remember(CacheKey key, long createdAt) {
        if (copied.size() >= COPIED_CAP) {
            copied.clear();
        }
        copied.merge(key, createdAt, Math::max);
    }

    private void fileFailed(StoreUnavailableException e) {
        if (fileFailureLogged.compareAndSet(false, true)) {
            LOG.warn("amorsize cache: the local cache file cannot be used ({}); continuing without it", e.getMessage());
        } else {
            LOG.debug("amorsize cache: local file failure: {}", e.getMessage());
        }
    }
}
