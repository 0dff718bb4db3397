package io.amorsize.cli;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.CacheHit;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.FileStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The store commands on the local file store ({@code --file --cache-dir DIR}), one directory per instance. */
class FileCommandsTest extends StoreCommandsContract {

    @Override
    List<String> storeArgs(String name) {
        return List.of("--file", "--cache-dir", tmp.resolve("cache-" + name).toString());
    }

    @Override
    StoreOpener opener() {
        return Stores::open;
    }

    private FileStore store(String name, String prefix) {
        return new FileStore(tmp.resolve("cache-" + name), prefix, Duration.ofDays(7), EntryCodec.withSecret(null));
    }

    @Override
    List<String> allKeys(String name) {
        java.nio.file.Path dir = tmp.resolve("cache-" + name);
        if (!java.nio.file.Files.isDirectory(dir)) {
            return List.of();
        }
        // The file store scans inside its prefix: ask with each prefix the tests use.
        List<String> keys = new java.util.ArrayList<>();
        for (String p : List.of("amorsize:", "other:", "team2:")) {
            try (FileStore s = store(name, p)) {
                keys.addAll(s.scan(p + "*"));
            }
        }
        return keys.stream().sorted().toList();
    }

    @Override
    Optional<CacheEntry> entry(String name, String key) {
        try (FileStore s = store(name, key.substring(0, key.indexOf("v1:")))) {
            return s.get(s.keyOf(key)).map(CacheHit::entry);
        }
    }
}
