package io.amorsize.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Crash-safe file replacement (temp file in the same directory, fsync, atomic rename, fsync of the
 * directory) and the rules for files on a shared host: directories are created 0700 and files 0600,
 * files are opened without following symbolic links, and a directory owned by another user or
 * writable by group or others is refused.
 */
final class AtomicFiles {

    static final String TMP_SUFFIX = ".tmp";
    /** At most this many {@code .corrupt} copies of one file are kept; older ones are deleted. */
    static final int MAX_CORRUPT_COPIES = 3;

    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AtomicFiles() {}

    /** Creates {@code dir} (and missing parents) with mode 0700. */
    static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * Why {@code dir} must not hold the cache (another user owns it, or group or others may write to
     * it: they could plant entries, or swap a file for a link), with the fix; null when it is fine or
     * the file system has no POSIX permissions.
     */
    static String refusal(Path dir) {
        if (!POSIX) {
            return null;
        }
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(dir, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return null; // the first read or write reports what is wrong
        }
        String me = currentUser();
        if (me != null && !a.owner().getName().equals(me)) {
            return "the cache directory " + dir + " is owned by " + a.owner().getName() + ", not by " + me
                    + " (this process); another user's directory could hand us planted entries. Fix: set cache.dir "
                    + "(AMORSIZE_CACHE_DIR) to a directory of your own";
        }
        Set<PosixFilePermission> p = a.permissions();
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            return "the cache directory " + dir + " is writable by group or others (" + PosixFilePermissions.toString(p)
                    + "). Fix: chmod 700 " + dir + ", or set cache.dir (AMORSIZE_CACHE_DIR) to a directory of your own";
        }
        return null;
    }

    /** The user this process runs as: the owner of /proc/self on Linux, else {@code user.name}. */
    private static String currentUser() {
        try {
            return Files.getOwner(Path.of("/proc/self")).getName();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("user.name");
        }
    }

    /** Options plus {@link LinkOption#NOFOLLOW_LINKS}: a link planted in place of our file is not followed. */
    static Set<OpenOption> noFollow(OpenOption... options) {
        Set<OpenOption> s = new HashSet<>(Set.of(options));
        s.add(LinkOption.NOFOLLOW_LINKS);
        return s;
    }

    /** Opens (creating with mode 0600) without following links. */
    static FileChannel openPrivate(Path file, OpenOption... options) throws IOException {
        if (POSIX) {
            FileAttribute<Set<PosixFilePermission>> mode =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return FileChannel.open(file, noFollow(options), mode);
        }
        return FileChannel.open(file, noFollow(options));
    }

    /** The whole file, read without following a link. */
    static byte[] readNoFollow(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, noFollow(StandardOpenOption.READ))) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read to the end
            }
            buf.flip();
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        }
    }

    /** Sets mode 0600 on a file we created (best effort; POSIX only). */
    static void makePrivate(Path file) {
        if (POSIX) {
            try {
                PosixFileAttributeView v =
                        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                v.setPermissions(PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | RuntimeException ignored) {
                // the file was created 0600 already
            }
        }
    }

    /** Replaces {@code target} with {@code bytes}; readers see the old or the new file, never a mix. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", TMP_SUFFIX);
        try {
            makePrivate(tmp); // createTempFile makes it 0600 on POSIX already
            try (FileChannel ch =
                    FileChannel.open(tmp, noFollow(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
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

    /**
     * Moves {@code file} to {@code <name>.corrupt}, or {@code .corrupt.<n>} after the newest copy;
     * keeps at most {@link #MAX_CORRUPT_COPIES} copies (the oldest are deleted). Returns the new path.
     */
    static Path quarantine(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String base = file.getFileName() + ".corrupt";
        TreeMap<Integer, Path> copies = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, base + "*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.equals(base)) {
                    copies.put(0, p);
                } else if (n.startsWith(base + ".")
                        && n.substring(base.length() + 1).matches("[0-9]{1,9}")) {
                    copies.put(Integer.parseInt(n.substring(base.length() + 1)), p);
                }
            }
        }
        int next = copies.isEmpty() ? 0 : copies.lastKey() + 1;
        while (copies.size() >= MAX_CORRUPT_COPIES) {
            Files.deleteIfExists(copies.pollFirstEntry().getValue());
        }
        for (int i = next; i < next + 10_000; i++) {
            Path dest = file.resolveSibling(base + (i == 0 ? "" : "." + i));
            if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
                fsyncDirectory(dir);
                return dest;
            } catch (FileAlreadyExistsException e) {
                // raced with another quarantine: try the next name
            }
        }
        throw new IOException("too many .corrupt files next to " + file);
    }
}
