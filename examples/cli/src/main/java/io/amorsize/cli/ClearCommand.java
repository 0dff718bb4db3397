package io.amorsize.cli;

import io.amorsize.cache.RecommendationStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "clear",
        description = {
            "Delete the keys under the prefix matching PATTERN (SCAN + UNLINK).",
            "Never FLUSHDB: keys outside the prefix are untouched.",
            "Deleting an entry deletes its observation history too; --history removes only the history",
            "(the measured profile stays, the next decision is the uncorrected one).",
            "Asks for confirmation on stdin unless --yes; a declined or unanswered prompt deletes nothing and exits 1."
        })
final class ClearCommand extends StoreCommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "PATTERN",
            defaultValue = "*",
            description = "Glob inside the prefix (default: *, every Amorsize key).")
    String pattern;

    @Option(
            names = {"-y", "--yes"},
            description = "Do not ask for confirmation.")
    boolean yes;

    @Option(
            names = "--history",
            description = "Remove only the observation history of the matching entries; keep the entries.")
    boolean historyOnly;

    @Override
    int run(Target t, RecommendationStore store) throws IOException {
        Patterns.check(pattern);
        String glob = t.prefix() + pattern;
        if (!yes) {
            List<String> keys = store.scan(glob);
            if (keys.isEmpty()) {
                cli.out.println("No keys match '" + glob + "' in " + t.describe() + ".");
                return AmorsizeCli.EXIT_OK;
            }
            cli.out.print((historyOnly ? "Remove the observation history of " : "Delete ") + keys.size()
                    + (keys.size() == 1 ? " key" : " keys") + " matching '" + glob + "' in " + t.describe()
                    + "? [y/N] ");
            cli.out.flush();
            String answer = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8)).readLine();
            if (answer == null) {
                cli.out.println();
                throw CliException.failed("no confirmation on stdin; nothing deleted (use --yes to skip the prompt)");
            }
            if (System.console() == null) {
                cli.out.println(); // the answer was not echoed by a terminal
            }
            String a = answer.trim().toLowerCase(Locale.ROOT);
            if (!a.equals("y") && !a.equals("yes")) {
                throw CliException.failed("not confirmed; nothing deleted");
            }
        }
        if (historyOnly) {
            long h = 0;
            for (String k : store.scan(glob)) {
                if (store.clearHistory(store.keyOf(k))) {
                    h++;
                }
            }
            cli.out.println("Removed the observation history of " + h + (h == 1 ? " entry" : " entries") + " matching '"
                    + glob + "'.");
            return AmorsizeCli.EXIT_OK;
        }
        long n = store.clear(glob);
        cli.out.println("Deleted " + n + (n == 1 ? " key" : " keys") + " matching '" + glob + "'.");
        return AmorsizeCli.EXIT_OK;
    }
}
