package io.amorsize.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Crash-safe file replacement: temp file in the same directory, fsync, atomic rename, fsync of the directory. */
final class AtomicFiles {

    static final String TMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code bytes}; readers see the old or the new file, never a mix. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", TMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes a rename durable (best effort: not every platform can open a directory). */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open directories; the rename itself is still atomic
        }
    }

    /** Deletes {@code <name>.*.tmp} leftovers of writers that died mid-write. Call with the lock held. */
    static int deleteTempLeftovers(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, target.getFileName() + ".*" + TMP_SUFFIX)) {
            for (Path p : ds) {
                if (Files.deleteIfExists(p)) {
                    n++;
                }
            }
        } catch (IOException ignored) {
            // leftovers are never read; failing to clean them is harmless
        }
        return n;
    }

    /** Moves {@code file} to {@code <name>.corrupt}, or {@code .corrupt.<n>} if taken; returns the new path. */
    static Path quarantine(Path file) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            Path dest = file.resolveSibling(file.getFileName() + ".corrupt" + (i == 0 ? "" : "." + i));
            if (Files.exists(dest)) {
                continue;
            }
            try {
                Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
                fsyncDirectory(file.toAbsolutePath().getParent());
                return dest;
            } catch (FileAlreadyExistsException e) {
                // raced with another quarantine: try the next name
            }
        }
        throw new IOException("too many .corrupt files next to " + file);
    }
}
