package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.amorsize.key.CacheKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, "Files on a shared host": on the real file system of this machine (POSIX). */
class FileStoreSharedHostTest {

    static final String P = "amorsize:";
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(java.nio.file.FileSystems.getDefault()
                .supportedFileAttributeViews()
                .contains("posix"));
    }

    private static FileStore store(Path dir) {
        return new FileStore(dir, P, Duration.ofDays(7), new EntryCodec(null));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void directoriesAre0700AndFiles0600() throws Exception {
        Path dir = tmp.resolve("a").resolve("cache");
        FileStore s = store(dir);
        CacheKey k = Entries.key("k:n1:c");
        s.put(k, EntryCodecFixtures.entry(k, T0));
        Journal j = Journal.of(s);
        j.append(s.render(k), EntryCodecFixtures.entry(k, T0));
        assertEquals("rwx------", mode(dir));
        assertEquals("rwx------", mode(dir.getParent()), "missing parents too");
        assertEquals("rw-------", mode(s.file()));
        assertEquals("rw-------", mode(dir.resolve(FileStore.LOCK_NAME)));
        assertEquals("rw-------", mode(j.file()));
    }

    @Test
    void aLinkPlantedAsTheFileIsNotFollowed() throws Exception {
        Path dir = tmp.resolve("cache");
        FileStore s = store(dir);
        CacheKey k = Entries.key("k:n1:c");
        // Someone's file with a valid image, linked in place of ours.
        Path elsewhere = tmp.resolve("elsewhere.json");
        Map<String, FileStore.FileRecord> image = new TreeMap<>();
        image.put(
                s.render(k),
                new FileStore.FileRecord(
                        Long.MAX_VALUE,
                        new String(
                                new EntryCodec(null).encode(s.render(k), EntryCodecFixtures.entry(k, T0)),
                                StandardCharsets.UTF_8)));
        byte[] planted = FileStore.serialize(image);
        Files.write(elsewhere, planted);
        Files.createSymbolicLink(s.file(), elsewhere);
        assertThrows(StoreUnavailableException.class, () -> s.get(k), "the linked file is not read");
        Journal j = Journal.of(s);
        Files.createSymbolicLink(j.file(), elsewhere);
        assertThrows(StoreUnavailableException.class, () -> j.append(s.render(k), EntryCodecFixtures.entry(k, T0)));
        assertArrayEquals(planted, Files.readAllBytes(elsewhere), "nor written through the link");
    }

    @Test
    void aDirectoryWritableByOthersIsRefusedWithTheFix() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (FileStoreLogs logs = new FileStoreLogs()) {
            FileStore s = store(dir);
            CacheKey k = Entries.key("k:n1:c");
            StoreUnavailableException e =
                    assertThrows(StoreUnavailableException.class, () -> s.put(k, EntryCodecFixtures.entry(k, T0)));
            assertTrue(
                    e.getMessage().contains(dir.toString()) && e.getMessage().contains("chmod 700 " + dir),
                    e.getMessage());
            assertThrows(StoreUnavailableException.class, () -> s.get(k));
            assertThrows(
                    StoreUnavailableException.class,
                    () -> Journal.of(s).append(s.render(k), EntryCodecFixtures.entry(k, T0)));
            assertFalse(Journal.of(s).hasPending());
            assertEquals(
                    1,
                    logs.count("WARN", "not using the local cache file"),
                    logs.lines().toString());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "nothing created in a refused directory");
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        CacheKey k = Entries.key("k:n1:c");
        store(dir).put(k, EntryCodecFixtures.entry(k, T0)); // the fix works
        assertTrue(store(dir).get(k).isPresent());
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        UserPrincipal nobody;
        try {
            nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (java.io.IOException e) {
            nobody = null;
        }
        assumeTrue(nobody != null && "root".equals(Files.getOwner(tmp).getName()), "needs root and a 'nobody' user");
        Path dir = Files.createDirectory(tmp.resolve("theirs"));
        Files.setOwner(dir, nobody);
        FileStore s = store(dir);
        CacheKey k = Entries.key("k:n1:c");
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> s.get(k));
        assertTrue(
                e.getMessage().contains(dir.toString())
                        && e.getMessage().contains("owned by nobody")
                        && e.getMessage().contains("cache.dir"),
                e.getMessage());
    }

    @Test
    void aNewerFormatIsIgnoredNotQuarantinedAndNotOverwritten() throws Exception {
        Path dir = tmp.resolve("cache");
        FileStore s = store(dir);
        byte[] newer = "{\"format\":2,\"entries\":{},\"somethingNew\":[1,2]}".getBytes(StandardCharsets.UTF_8);
        Files.write(s.file(), newer);
        // and a newer version's own file next to ours, by name
        Path v2 = dir.resolve(s.file().getFileName().toString().replace(".v1.json", ".v2.json"));
        Files.write(v2, newer);
        CacheKey k = Entries.key("k:n1:c");
        try (FileStoreLogs logs = new FileStoreLogs()) {
            assertTrue(s.get(k).isEmpty());
            assertThrows(StoreUnavailableException.class, () -> s.put(k, EntryCodecFixtures.entry(k, T0)));
            assertEquals(1, logs.count("WARN", "newer Amorsize"), logs.lines().toString());
        }
        assertArrayEquals(newer, Files.readAllBytes(s.file()), "left as it is");
        assertArrayEquals(newer, Files.readAllBytes(v2));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".corrupt")), "not quarantined");
        }
    }

    @Test
    void atMostThreeCorruptCopiesAreKept() throws Exception {
        Path dir = tmp.resolve("cache");
        for (int i = 0; i < 6; i++) {
            FileStore s = store(dir);
            Files.writeString(s.file(), "garbage " + i);
            assertTrue(s.get(Entries.key("k:n1:c")).isEmpty());
        }
        List<String> copies;
        try (Stream<Path> files = Files.list(dir)) {
            copies = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".corrupt"))
                    .sorted()
                    .toList();
        }
        assertEquals(3, copies.size(), copies.toString());
        for (String c : copies) {
            assertTrue(Files.readString(dir.resolve(c)).matches("garbage [345]"), "the newest three are kept: " + c);
        }
    }
}
