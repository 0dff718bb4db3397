package io.amorsize.cache;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for {@link FileStoreProcessIT}. Modes:
 * <ul>
 *   <li>{@code loop <dir>}: reads the version under {@code t:ver} and writes version+1, +2, ... for
 *       ever, printing {@code OK <v>} after each write returns (the parent SIGKILLs it);</li>
 *   <li>{@code distinct <dir> <id> <n>}: writes keys {@code t:p<id>-0..n-1} and exits.</li>
 * </ul>
 */
public final class FileStoreCrashWriterMain {

    static final String PREFIX = "t:";
    static final String VERSION_KEY = "t:v1:ver:n1:c";

    private FileStoreCrashWriterMain() {}

    public static void main(String[] args) {
        FileStore store = new FileStore(Path.of(args[1]), PREFIX, Duration.ofDays(7), new EntryCodec(null));
        switch (args[0]) {
            case "loop" -> {
                long v = store.get(Entries.k(VERSION_KEY))
                        .map(h -> (long) h.entry().profile().meanNanos())
                        .orElse(0L);
                System.out.println("READY " + v);
                System.out.flush();
                while (true) {
                    v++;
                    store.put(
                            Entries.k(VERSION_KEY),
                            EntryCodecFixtures.entryWithMean(VERSION_KEY, v, 1_700_000_000_000L + v));
                    System.out.println("OK " + v);
                    System.out.flush();
                }
            }
            case "distinct" -> {
                int id = Integer.parseInt(args[2]);
                int n = Integer.parseInt(args[3]);
                System.out.println("READY");
                System.out.flush();
                for (int i = 0; i < n; i++) {
                    String k = PREFIX + "v1:p" + id + "-" + i + ":n1:c";
                    store.put(Entries.k(k), EntryCodecFixtures.entry(k, 1_700_000_000_000L + i));
                }
                System.out.println("DONE");
                System.out.flush();
            }
            default -> throw new IllegalArgumentException("mode " + args[0]);
        }
    }
}
