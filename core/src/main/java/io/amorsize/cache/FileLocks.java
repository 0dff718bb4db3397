package io.amorsize.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive lock on a {@code .lock} file, for processes on one host (FileChannel lock) and threads
 * in this JVM (a ReentrantLock per lock file: FileChannel locks belong to the process, and closing
 * any channel of the file would drop them). Reentrant for the thread that holds it. Waits at most a
 * bound, then throws {@link StoreUnavailableException}.
 */
final class FileLocks {

    private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private FileLocks() {}

    /** A held lock; {@link #close()} releases it. */
    static final class Held implements AutoCloseable {
        private final ReentrantLock jvmLock;
        private final FileChannel channel;
        private final FileLock fileLock;

        private Held(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
            this.jvmLock = jvmLock;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        @Override
        public void close() {
            try {
                if (fileLock != null) {
                    fileLock.release();
                }
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing the channel releases the lock anyway
            } finally {
                jvmLock.unlock();
            }
        }
    }

    static Held acquire(Path lockFile, Duration timeout) {
        Path p = lockFile.toAbsolutePath().normalize();
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(p, k -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvm.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException(
                        "timed out after " + timeout.toMillis() + " ms waiting for " + p + " (in this JVM)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for " + p, e);
        }
        if (jvm.getHoldCount() > 1) {
            return new Held(jvm, null, null);
        }
        FileChannel ch = null;
        try {
            ch = AtomicFiles.openPrivate(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long sleepMillis = 1;
            while (true) {
                FileLock fl;
                try {
                    fl = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    fl = null; // cannot happen while the JVM lock is held; treat as busy
                }
                if (fl != null) {
                    return new Held(jvm, ch, fl);
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreUnavailableException(
                            "timed out after " + timeout.toMillis() + " ms waiting for the lock " + p);
                }
                Thread.sleep(sleepMillis);
                sleepMillis = Math.min(20, sleepMillis * 2);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            jvm.unlock();
            throw new StoreUnavailableException("cannot lock " + p + ": " + e, e);
        } catch (InterruptedException e) {
            closeQuietly(ch);
            jvm.unlock();
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for " + p, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            jvm.unlock();
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
