package io.amorsize.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading operator-given files with a size bound and one-line errors. */
final class Files2 {

    private Files2() {}

    /** The bytes of {@code file} ("-" = stdin), at most {@code max}; usage error (exit 2) when unreadable. */
    static byte[] readBounded(String file, AmorsizeCli cli, long max) throws IOException {
        if (file.equals("-")) {
            byte[] b = cli.in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                throw CliException.usage("stdin: larger than " + max + " bytes");
            }
            return b;
        }
        Path p;
        try {
            p = Path.of(file);
        } catch (InvalidPathException e) {
            throw CliException.usage(file + ": not a valid path");
        }
        if (!Files.exists(p)) {
            throw CliException.usage(file + ": no such file");
        }
        if (!Files.isRegularFile(p)) {
            throw CliException.usage(file + ": not a regular file");
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                throw CliException.usage(file + ": larger than " + max + " bytes");
            }
            return b;
        } catch (NoSuchFileException e) {
            throw CliException.usage(file + ": no such file");
        } catch (IOException e) {
            throw CliException.usage(file + ": cannot read: " + e.getMessage());
        }
    }
}
