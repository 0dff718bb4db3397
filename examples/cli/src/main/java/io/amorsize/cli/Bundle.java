package io.amorsize.cli;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * The {@code export} / {@code import} file: encoded entries with their keys, and the prefix they
 * were exported under (so an import into another prefix can rewrite them).
 *
 * <pre>{@code
 * {"format": "amorsize-bundle", "version": 1, "prefix": "amorsize:", "exportedAtMillis": 1763900000000,
 *  "entries": [{"key": "amorsize:v1:...", "value": "<the entry as the store encodes it>"}]}
 * }</pre>
 */
record Bundle(String format, Integer version, String prefix, Long exportedAtMillis, List<Item> entries) {

    static final String FORMAT = "amorsize-bundle";
    static final int VERSION = 1;
    static final long MAX_FILE_BYTES = 256L << 20;

    /** One key and its encoded entry. */
    record Item(String key, String value) {}

    static Bundle of(String prefix, long now, List<Item> items) {
        return new Bundle(FORMAT, VERSION, prefix, now, List.copyOf(items));
    }

    /** Writes atomically (temp file in the same directory, then move). */
    void write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw CliException.usage(file + ": directory " + dir + " does not exist");
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            Json.STRICT.writeValue(tmp.toFile(), this);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static Bundle read(String file, AmorsizeCli cli) throws IOException {
        byte[] bytes = Files2.readBounded(file, cli, MAX_FILE_BYTES);
        Bundle b;
        try {
            b = Json.STRICT.readValue(bytes, Bundle.class);
        } catch (JacksonException e) {
            throw CliException.usage(file + ": not an Amorsize bundle: " + Json.describe(e));
        }
        if (b == null || !FORMAT.equals(b.format())) {
            throw CliException.usage(file + ": not an Amorsize bundle (format must be '" + FORMAT + "')");
        }
        if (!Objects.equals(b.version(), VERSION)) {
            throw CliException.usage(
                    file + ": bundle version " + b.version() + " is not supported (expected " + VERSION + ")");
        }
        if (b.prefix() == null || b.prefix().isEmpty() || b.entries() == null) {
            throw CliException.usage(file + ": bundle needs a prefix and an entries list");
        }
        for (int i = 0; i < b.entries().size(); i++) {
            Item it = b.entries().get(i);
            if (it == null || it.key() == null || it.value() == null) {
                throw CliException.usage(file + ": entries[" + i + "] needs a key and a value");
            }
            if (!it.key().startsWith(b.prefix())) {
                throw CliException.usage(
                        file + ": entries[" + i + "] key is outside the bundle's prefix '" + b.prefix() + "'");
            }
        }
        return b;
    }
}
