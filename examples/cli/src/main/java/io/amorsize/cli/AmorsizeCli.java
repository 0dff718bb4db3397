package io.amorsize.cli;

import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.RedisUrl;
import io.amorsize.cache.StoreUnavailableException;
import io.amorsize.config.Options;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code amorsize}: the operator command line for the recommendation cache.
 *
 * <pre>
 * amorsize [--redis-url URL] [--prefix P] [--cache-dir DIR] [--secret-env VAR] COMMAND
 *   stats | list | show KEY | clear [PATTERN] [--yes] | prewarm FILE | export FILE | import FILE | doctor
 * </pre>
 *
 * Without {@code --redis-url} the URL comes from {@code AMORSIZE_REDIS_URL}; with neither (or with
 * {@code --file}) the commands work on the local file store in {@code --cache-dir}. A password is
 * never accepted on the command line: put a URL with a password in {@code AMORSIZE_REDIS_URL}, or
 * name a variable holding the password with {@code --password-env}.
 *
 * <p>Exit codes: {@value #EXIT_OK} ok, {@value #EXIT_FAILED} a check or operation failed,
 * {@value #EXIT_USAGE} usage error or bad input. Errors are one line on stderr without a stack trace.
 */
@Command(
        name = "amorsize",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = AmorsizeCli.Version.class,
        description = "Inspect and manage the Amorsize recommendation cache (Redis or the local file store).",
        subcommands = {
            StatsCommand.class, ListCommand.class, ShowCommand.class, ClearCommand.class,
            PrewarmCommand.class, ExportCommand.class, ImportCommand.class, DoctorCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:a check or operation failed", "2:usage error or bad input"},
        footer = {
            "",
            "Environment: AMORSIZE_REDIS_URL, AMORSIZE_CACHE_PREFIX, AMORSIZE_CACHE_DIR, AMORSIZE_CACHE_SECRET."
        })
public final class AmorsizeCli implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Option(
            names = "--redis-url",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "redis:// or rediss:// URL without a password (default: $AMORSIZE_REDIS_URL).")
    String redisUrl;

    @Option(
            names = "--password-env",
            scope = ScopeType.INHERIT,
            paramLabel = "VAR",
            description = "Environment variable holding the Redis password (the URL's user, if any, is kept).")
    String passwordEnv;

    @Option(
            names = "--file",
            scope = ScopeType.INHERIT,
            description = "Use the local file store even when AMORSIZE_REDIS_URL is set.")
    boolean fileOnly;

    @Option(
            names = "--prefix",
            scope = ScopeType.INHERIT,
            paramLabel = "PREFIX",
            description = "Key prefix (default: $AMORSIZE_CACHE_PREFIX or amorsize:).")
    String prefix;

    @Option(
            names = "--cache-dir",
            scope = ScopeType.INHERIT,
            paramLabel = "DIR",
            description = "Directory of the local file store (default: $AMORSIZE_CACHE_DIR or ~/.cache/amorsize).")
    String cacheDir;

    @Option(
            names = "--tls-ca-file",
            scope = ScopeType.INHERIT,
            paramLabel = "PEM",
            description = "CA certificate(s) to trust for rediss:// servers with a private CA.")
    String caFile;

    @Option(
            names = "--secret-env",
            scope = ScopeType.INHERIT,
            paramLabel = "VAR",
            description = "Environment variable holding the HMAC secret (default: AMORSIZE_CACHE_SECRET).")
    String secretEnv;

    final Map<String, String> env;
    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    private final StoreOpener opener;

    AmorsizeCli(StoreOpener opener, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.env = Map.copyOf(env);
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, Stores::open, System.getenv(), System.in, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; prints nothing but the command's output and one-line errors. */
    static int run(
            String[] args,
            StoreOpener opener,
            Map<String, String> env,
            InputStream in,
            PrintStream out,
            PrintStream err) {
        AmorsizeCli cli = new AmorsizeCli(opener, env, in, out, err);
        CommandLine cl = new CommandLine(cli);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("amorsize: " + oneLine(Target.mask(ex.getMessage())));
            err.println("Try 'amorsize " + subcommandName(ex.getCommandLine()) + "--help' for usage.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code;
            String msg;
            if (ex instanceof CliException ce) {
                code = ce.exitCode();
                msg = ce.getMessage();
            } else if (ex instanceof StoreUnavailableException) {
                code = EXIT_FAILED;
                msg = "store unavailable: " + ex.getMessage();
            } else if (ex instanceof IllegalArgumentException) {
                code = EXIT_USAGE;
                msg = ex.getMessage();
            } else {
                code = EXIT_FAILED;
                msg = ex.getClass().getSimpleName() + ": " + ex.getMessage();
            }
            err.println("amorsize: " + oneLine(cli.scrub(msg)));
            return code;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, out);
        return EXIT_USAGE;
    }

    /** Resolves the store target from options and environment; validates without echoing secrets. */
    Target target() {
        if (fileOnly && redisUrl != null) {
            throw CliException.usage("--file and --redis-url exclude each other");
        }
        String origin = "--redis-url";
        RedisUrl url = null;
        if (redisUrl != null) {
            url = Target.parseRedisUrl(passwordEnv != null ? withPlaceholderPassword(redisUrl) : redisUrl, origin);
            if (url.password() != null && passwordEnv == null) {
                throw CliException.usage(
                        "--redis-url must not contain a password (it would show in ps and shell history);"
                                + " use AMORSIZE_REDIS_URL or --password-env VAR");
            }
        } else if (!fileOnly) {
            origin = Options.REDIS_URL.envVar();
            String u = blankToNull(env.get(origin));
            url = u == null ? null : Target.parseRedisUrl(passwordEnv != null ? withPlaceholderPassword(u) : u, origin);
        }
        if (passwordEnv != null) {
            if (url == null) {
                throw CliException.usage("--password-env needs a Redis URL (--redis-url or AMORSIZE_REDIS_URL)");
            }
            String pw = env.get(passwordEnv);
            if (pw == null || pw.isEmpty()) {
                throw CliException.usage("--password-env " + passwordEnv + ": the variable is not set");
            }
            url = Target.withPassword(url, pw);
        }
        String p = prefix != null ? prefix : blankToNull(env.get(Options.CACHE_PREFIX.envVar()));
        if (p == null) {
            p = Options.CACHE_PREFIX.defaultValue();
        }
        if (p.isEmpty()
                || p.chars().anyMatch(c -> Character.isWhitespace(c) || c == '*' || c == '?' || c == '[' || c == ']')) {
            throw CliException.usage("--prefix must be non-empty without spaces or glob characters (* ? [ ])");
        }
        Path dir;
        try {
            String d = cacheDir != null ? cacheDir : blankToNull(env.get(Options.CACHE_DIR.envVar()));
            dir = d != null ? Path.of(d) : Options.CACHE_DIR.defaultValue();
        } catch (InvalidPathException e) {
            throw CliException.usage("--cache-dir is not a valid path: " + e.getReason());
        }
        String secretVar = secretEnv != null ? secretEnv : Options.CACHE_SECRET.envVar();
        String secret = blankToNull(env.get(secretVar));
        if (secretEnv != null && secret == null) {
            throw CliException.usage("--secret-env " + secretEnv + ": the variable is not set");
        }
        Path ca = null;
        if (caFile != null) {
            try {
                ca = Path.of(caFile);
            } catch (InvalidPathException e) {
                throw CliException.usage("--tls-ca-file is not a valid path: " + e.getReason());
            }
            if (!java.nio.file.Files.isReadable(ca)) {
                throw CliException.usage("--tls-ca-file " + caFile + ": no such readable file");
            }
        }
        return new Target(url, origin, p, dir, secret, ca);
    }

    /** Opens the store for {@code t}; the caller closes it. */
    RecommendationStore open(Target t) {
        return opener.open(t);
    }

    /** Removes every secret this invocation knows of from {@code text}. */
    String scrub(String text) {
        if (text == null) {
            return "(no message)";
        }
        String s = Target.mask(text);
        for (String var : new String[] {secretEnv, passwordEnv, Options.CACHE_SECRET.envVar(), "AMORSIZE_REDIS_URL"}) {
            String v = var == null ? null : env.get(var);
            if (v != null && v.length() >= 3) {
                s = s.replace(v, "****");
                if (var.equals("AMORSIZE_REDIS_URL")) {
                    try {
                        String pw = RedisUrl.parse(v).password();
                        if (pw != null && pw.length() >= 3) {
                            s = s.replace(pw, "****");
                        }
                    } catch (IllegalArgumentException e) {
                        // not a URL: nothing more to remove
                    }
                }
            }
        }
        return s;
    }

    /**
     * {@code scheme://user@host} → {@code scheme://user:x@host}, so that a URL naming only the user
     * parses; the placeholder is replaced by the --password-env value right after.
     */
    private static String withPlaceholderPassword(String url) {
        int s = url.indexOf("://");
        if (s < 0) {
            return url;
        }
        int slash = url.indexOf('/', s + 3);
        int at = url.lastIndexOf('@', slash < 0 ? url.length() : slash);
        if (at < s + 3 || url.substring(s + 3, at).contains(":")) {
            return url;
        }
        return url.substring(0, at) + ":x" + url.substring(at);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl >= 0 ? t.substring(0, nl).strip() : t;
    }

    private static String subcommandName(CommandLine c) {
        return c == null || c.getParent() == null ? "" : c.getCommandName() + " ";
    }

    /** Version from the jar manifest, else "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AmorsizeCli.class.getPackage().getImplementationVersion();
            return new String[] {"amorsize " + (v == null ? "dev" : v)};
        }
    }
}
