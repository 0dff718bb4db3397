package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, tests 5 and 6: real child JVMs killed with SIGKILL, and several writing at once. */
class FileStoreProcessIT {

    static final int KILLS = 30;
    static final int FILLER = 300;

    @TempDir
    Path dir;

    private final List<Process> children = new CopyOnWriteArrayList<>();
    /** Counted down when the reader thread of a child has read its stdout to the end. */
    private final Map<Process, CountDownLatch> stdoutEof = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A child JVM with this test's class path, stdout read into {@code lines}. */
    private Process start(List<String> lines, CountDownLatch ready, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                FileStoreCrashWriterMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        CountDownLatch eof = new CountDownLatch(1);
        stdoutEof.put(p, eof);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            lines.add(l);
                            if (l.startsWith("READY")
                                    || (l.startsWith("OK ") && ready.getCount() > 0 && lines.size() == 2)) {
                                ready.countDown();
                            }
                        }
                        eof.countDown(); // a real end of the pipe: every line the child wrote has been read
                    } catch (IOException e) {
                        lines.add("READ FAILED " + e); // the stream was closed under us: lines may be lost
                    }
                },
                "child-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    /**
     * Test 5: a writer SIGKILLed at random points, {@value #KILLS} times. After each kill the file
     * parses, holds every filler key, and its version is the last acknowledged one or the one being
     * written; nobody ever saw a torn file (no .corrupt); a planted .tmp with a bogus version is
     * never read.
     */
    @Test
    @Timeout(600) // a hang guard: 30 child JVMs took 140 s on a loaded machine
    void killedWriterLeavesTheOldOrTheNewFile() throws Exception {
        FileStore store = new FileStore(dir, FileStoreCrashWriterMain.PREFIX, Duration.ofDays(7), new EntryCodec(null));
        for (int i = 0; i < FILLER; i++) {
            String k = "t:v1:filler-" + i + ":n1:c";
            // filler is written directly into one image so the file is large (slow to write) from the start
            if (i == FILLER - 1) {
                store.put(Entries.k(k), EntryCodecFixtures.entry(k, 1_700_000_000_000L));
            }
        }
        Map<String, FileStore.FileRecord> image = new TreeMap<>(FileStore.parse(Files.readAllBytes(store.file())));
        FileStore.FileRecord r = image.values().iterator().next();
        for (int i = 0; i < FILLER; i++) {
            String k = "t:v1:filler-" + i + ":n1:c";
            image.put(
                    k,
                    new FileStore.FileRecord(
                            r.expiresAt(), r.entry().replace("t:v1:filler-" + (FILLER - 1) + ":n1:c", k)));
        }
        image.put(
                FileStoreCrashWriterMain.VERSION_KEY,
                new FileStore.FileRecord(
                        r.expiresAt(),
                        new String(
                                new EntryCodec(null)
                                        .encode(
                                                FileStoreCrashWriterMain.VERSION_KEY,
                                                EntryCodecFixtures.entryWithMean(
                                                        FileStoreCrashWriterMain.VERSION_KEY, 1, 1_700_000_000_001L)),
                                StandardCharsets.UTF_8)));
        AtomicFiles.write(store.file(), FileStore.serialize(image));
        long size = Files.size(store.file());
        assertTrue(size > 200_000, "file should be large enough to be killed mid-write: " + size);

        long fileVersion = 1;
        int leftovers = 0;
        int midWriteKills = 0;
        Path planted = store.file().resolveSibling(store.file().getFileName() + ".999.tmp");
        for (int round = 0; round < KILLS; round++) {
            List<String> lines = new CopyOnWriteArrayList<>();
            CountDownLatch ready = new CountDownLatch(2); // READY, then the first acknowledged write
            Process p = start(lines, ready, "loop", dir.toString());
            assertTrue(ready.await(60, TimeUnit.SECONDS), "child did not start: " + lines);
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 40));
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
            // child's stdout, dropping acknowledgements still in the pipe.
            p.toHandle().destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            // Every line the child wrote is read once the reader thread saw the end of the pipe.
            assertTrue(
                    stdoutEof.get(p).await(30, TimeUnit.SECONDS),
                    "the child's stdout was not read to the end: " + lines);
            long acked = lines.stream()
                    .filter(l -> l.startsWith("OK "))
                    .mapToLong(l -> Long.parseLong(l.substring(3)))
                    .max()
                    .orElse(fileVersion);
            long started = lines.stream()
                    .filter(l -> l.startsWith("READY "))
                    .mapToLong(l -> Long.parseLong(l.substring(6)))
                    .findFirst()
                    .orElseThrow();
            assertEquals(fileVersion, started, "the child read the version the last round left");

            try (Stream<Path> s = Files.list(dir)) {
                List<Path> tmps = s.filter(x -> x.toString().endsWith(".tmp") && !x.equals(planted))
                        .toList();
                leftovers += tmps.size();
            }
            // The file parses and is complete.
            Map<String, FileStore.FileRecord> now = FileStore.parse(Files.readAllBytes(store.file()));
            assertEquals(FILLER + 1, now.size(), "round " + round);
            FileStore reader =
                    new FileStore(dir, FileStoreCrashWriterMain.PREFIX, Duration.ofDays(7), new EntryCodec(null));
            long v = (long) reader.get(Entries.k(FileStoreCrashWriterMain.VERSION_KEY))
                    .orElseThrow()
                    .entry()
                    .profile()
                    .meanNanos();
            assertTrue(
                    v == acked || v == acked + 1,
                    "round " + round + ": file has version " + v + ", last acknowledged " + acked);
            if (v == acked + 1) {
                midWriteKills++;
            }
            assertTrue(v >= fileVersion, "never older than what was there");
            try (Stream<Path> s = Files.list(dir)) {
                assertFalse(
                        s.anyMatch(x -> x.getFileName().toString().contains(".corrupt")), "a reader saw a torn file");
            }
            fileVersion = v;
            // Plant a .tmp with a bogus newer version: it must never be read.
            Map<String, FileStore.FileRecord> bogus = new TreeMap<>(now);
            bogus.put(
                    FileStoreCrashWriterMain.VERSION_KEY,
                    new FileStore.FileRecord(
                            Long.MAX_VALUE,
                            new String(
                                    new EntryCodec(null)
                                            .encode(
                                                    FileStoreCrashWriterMain.VERSION_KEY,
                                                    EntryCodecFixtures.entryWithMean(
                                                            FileStoreCrashWriterMain.VERSION_KEY,
                                                            999_999,
                                                            1_700_000_000_000L)),
                                    StandardCharsets.UTF_8)));
            Files.write(planted, FileStore.serialize(bogus));
            assertEquals(v, (long)
                    new FileStore(dir, FileStoreCrashWriterMain.PREFIX, Duration.ofDays(7), new EntryCodec(null))
                            .get(Entries.k(FileStoreCrashWriterMain.VERSION_KEY))
                            .orElseThrow()
                            .entry()
                            .profile()
                            .meanNanos());
        }
        System.out.printf(
                "killedWriter: %d kills, final version %d, %d .tmp leftovers seen, %d kills after the rename "
                        + "but before the acknowledgement%n",
                KILLS, fileVersion, leftovers, midWriteKills);
        assertTrue(fileVersion > KILLS, "the children wrote something in most rounds: " + fileVersion);
    }

    /** Test 6: several processes (and threads here) writing distinct keys at once: every entry present. */
    @Test
    @Timeout(300) // a hang guard, not a speed assertion
    void concurrentProcessesLoseNoEntry() throws Exception {
        int procs = 3;
        int perProc = 30;
        List<Process> ps = new ArrayList<>();
        List<List<String>> outs = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(procs);
        for (int i = 0; i < procs; i++) {
            List<String> lines = new CopyOnWriteArrayList<>();
            outs.add(lines);
            ps.add(start(lines, ready, "distinct", dir.toString(), String.valueOf(i), String.valueOf(perProc)));
        }
        FileStore here = new FileStore(dir, FileStoreCrashWriterMain.PREFIX, Duration.ofDays(7), new EntryCodec(null));
        assertTrue(ready.await(60, TimeUnit.SECONDS));
        for (int i = 0; i < perProc; i++) {
            String k = "t:v1:here-" + i + ":n1:c";
            here.put(Entries.k(k), EntryCodecFixtures.entry(k, 1_700_000_000_000L));
        }
        for (int i = 0; i < procs; i++) {
            assertTrue(ps.get(i).waitFor(90, TimeUnit.SECONDS), "child " + i + " did not finish");
            assertEquals(0, ps.get(i).exitValue(), "child " + i + " failed: " + outs.get(i));
        }
        List<String> keys =
                new FileStore(dir, FileStoreCrashWriterMain.PREFIX, Duration.ofDays(7), new EntryCodec(null)).scan("*");
        assertEquals((procs + 1) * perProc, keys.size());
        for (int i = 0; i < procs; i++) {
            for (int j = 0; j < perProc; j++) {
                assertTrue(keys.contains("t:v1:p" + i + "-" + j + ":n1:c"), "missing t:v1:p" + i + "-" + j);
            }
        }
    }
}
