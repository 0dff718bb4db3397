package io.amorsize.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every Amorsize option, defined once. Engine adapters and the docs tables are generated from
 * {@link #ALL}; a test fails when README.md drifts from it.
 */
public final class Options {

    private Options() {}

    // ---- general ----
    public static final Option<Boolean> ENABLED = bool(
            "enabled",
            true,
            "Turn tuning on; when false the engine's own partitioning is kept and nothing is measured.",
            null);
    public static final Option<Boolean> STRICT = bool(
            "strict",
            false,
            "Throw AmorsizeException when tuning fails instead of keeping the engine's partitioning with a WARN line.",
            null);

    // ---- sampling and measurement ----
    public static final Option<Duration> SAMPLE_BUDGET =
            duration("sample.budget", Duration.ofMillis(300), "Wall-time budget for drawing the sample.", null);
    public static final Option<Integer> SAMPLE_MAX_RECORDS = integer(
            "sample.max-records",
            2000,
            3,
            "Most records sampled; fewer when the estimate is already stable or the budget runs out.",
            null);
    public static final Option<Integer> SAMPLE_PARTITIONS = integer(
            "sample.partitions", 4, 1, "How many input partitions the sample is drawn from (engine adapters).", null);
    public static final Option<Duration> MEASURE_BUDGET = duration(
            "measure.budget",
            Duration.ofSeconds(2),
            "Wall-time budget for timing the function on the sample, warm-up included.",
            null);
    public static final Option<Duration> WARMUP_BUDGET = duration(
            "measure.warmup-budget",
            Duration.ofMillis(500),
            "Most time spent warming up the JIT before timings count.",
            null);
    public static final Option<Boolean> MEASURE_STOP_WHEN_STABLE = bool(
            "measure.stop-when-stable",
            true,
            "Stop measuring as soon as the decision is the same at both ends of the cost estimate's confidence interval (mean and tail).",
            null);
    public static final Option<Double> MEASURE_SPEND_SHARE = decimal(
            "measure.spend-share",
            0.05,
            0.0,
            "Stop measuring once it has spent this share of the predicted makespan of the input's current partitioning (with measure.stop-when-stable).",
            null);
    public static final Option<Duration> MEASURE_MIN_SPEND = duration(
            "measure.min-spend",
            Duration.ofMillis(50),
            "Least time measuring may spend before the spend cap stops it; measure.budget stays the upper bound.",
            null);

    // ---- model and optimizer ----
    public static final Option<Duration> TASK_OVERHEAD = duration(
            "task.overhead",
            Duration.ofMillis(5),
            "Per-task overhead (scheduling, launch, result) used until the engine adapter calibrates it on the live cluster.",
            null);
    public static final Option<Duration> TASK_TARGET_DURATION = duration(
            "task.target-duration",
            Duration.ofMillis(200),
            "Shortest task the optimizer aims for when it does not cost time (Spark's guide: tasks >= 200 ms are efficient).",
            null);
    public static final Option<Double> SPEEDUP_THRESHOLD = decimal(
            "speedup.threshold",
            1.2,
            1.0,
            "Keep the current partitioning unless the predicted speedup is at least this (do no harm).",
            null);
    public static final Option<Double> BATCH_OVERHEAD_SHARE = decimal(
            "batch.overhead-share",
            0.05,
            0.0,
            "Largest share of a batch call's time the fixed per-call cost may take.",
            null);
    public static final Option<Duration> BATCH_MAX_LATENCY =
            duration("batch.max-latency", Duration.ofSeconds(2), "Longest predicted time of one batch call.", null);
    public static final Option<Double> MEMORY_FRACTION =
            decimal("memory.fraction", 0.5, 0.0, "Share of a slot's memory one partition's records may occupy.", null);
    public static final Option<Double> SHUFFLE_THROUGHPUT = decimal(
            "shuffle.throughput",
            100e6,
            1.0,
            "Bytes per second one slot moves through a shuffle (serialize, write, read); prices REPARTITION.",
            null);
    public static final Option<Integer> CLUSTER_CORES = integer(
            "cluster.cores",
            0,
            0,
            "CPU cores all the job's tasks share (CPU-bound work gains from at most min(slots, cores) tasks); 0 = detect (Flink: task managers' CPU cores; Spark local[N]: this machine's processors; else one per slot).",
            null);

    // ---- cache ----
    public static final Option<String> REDIS_URL = string(
            "redis.url",
            null,
            "URL of the shared cache: redis[s]://user:password@host:port/db, redis-sentinel://h:p,h:p/master or redis-cluster://h:p,h:p; unset = local file only.",
            "AMORSIZE_REDIS_URL",
            true);
    public static final Option<String> REDIS_USERNAME = string(
            "redis.username",
            null,
            "ACL user for the shared cache (with redis.password); overrides a user in redis.url.",
            "AMORSIZE_REDIS_USERNAME",
            false);
    public static final Option<String> REDIS_PASSWORD = string(
            "redis.password",
            null,
            "Password for the shared cache; overrides one in redis.url. Prefer it to a password in the URL: Spark and Flink redact this key in their UIs and logs.",
            "AMORSIZE_REDIS_PASSWORD",
            true);
    public static final Option<String> CACHE_PREFIX =
            string("cache.prefix", "amorsize:", "Prefix of every key Amorsize writes.", "AMORSIZE_CACHE_PREFIX", false);
    public static final Option<Duration> CACHE_TTL =
            duration("cache.ttl", Duration.ofDays(7), "How long a measured profile is trusted.", "AMORSIZE_CACHE_TTL");
    public static final Option<Path> CACHE_DIR = new Option<>(
            "cache.dir",
            Path.class,
            Path.of(System.getProperty("user.home", "."), ".cache", "amorsize"),
            "Directory of the local fallback file and journal.",
            "AMORSIZE_CACHE_DIR",
            false,
            Path::of);
    public static final Option<String> CACHE_SECRET = string(
            "cache.secret",
            null,
            "HMAC-SHA256 secret; when set, entries without a valid MAC are rejected.",
            "AMORSIZE_CACHE_SECRET",
            true);
    public static final Option<Boolean> CACHE_REQUIRE_SIGNATURE = bool(
            "cache.require-signature",
            false,
            "Reject entries that carry no valid HMAC; needs cache.secret (fails fast without it).",
            "AMORSIZE_CACHE_REQUIRE_SIGNATURE");
    public static final Option<Duration> REDIS_CONNECT_TIMEOUT =
            duration("redis.connect-timeout", Duration.ofMillis(500), "TCP connect timeout to Redis.", null);
    public static final Option<Duration> REDIS_SOCKET_TIMEOUT =
            duration("redis.socket-timeout", Duration.ofMillis(500), "Read timeout of one Redis command.", null);
    public static final Option<Duration> REDIS_DEADLINE = duration(
            "redis.deadline",
            Duration.ofSeconds(1),
            "Overall bound on one cache call, whatever the client does.",
            null);
    public static final Option<Integer> REDIS_MAX_CONNECTIONS =
            integer("redis.max-connections", 8, 1, "Connection pool size.", null);
    public static final Option<Duration> REDIS_POOL_MAX_WAIT = duration(
            "redis.pool-max-wait",
            Duration.ofMillis(200),
            "Longest wait for a pooled connection (never forever).",
            null);
    public static final Option<Duration> BREAKER_COOLDOWN = duration(
            "redis.breaker-cooldown",
            Duration.ofSeconds(30),
            "After Redis fails, skip it for this long, then probe once.",
            null);
    public static final Option<String> REDIS_CLIENT_NAME = string(
            "redis.client-name", "amorsize", "CLIENT SETNAME prefix (the driver's pid is appended).", null, false);
    public static final Option<Path> REDIS_CA_FILE = new Option<>(
            "redis.tls-ca-file",
            Path.class,
            null,
            "PEM CA certificate for rediss:// servers with a private CA.",
            null,
            false,
            Path::of);

    // ---- feedback ----
    public static final Option<Boolean> FEEDBACK_ENABLED = bool(
            "feedback.enabled",
            true,
            "Observe the runs Amorsize shaped (task metrics) and correct the cached profile with them; when false nothing is observed or written and cached observations are ignored.",
            null);

    public static final List<Option<?>> ALL = List.of(
            ENABLED,
            STRICT,
            SAMPLE_BUDGET,
            SAMPLE_MAX_RECORDS,
            SAMPLE_PARTITIONS,
            MEASURE_BUDGET,
            WARMUP_BUDGET,
            MEASURE_STOP_WHEN_STABLE,
            MEASURE_SPEND_SHARE,
            MEASURE_MIN_SPEND,
            TASK_OVERHEAD,
            TASK_TARGET_DURATION,
            SPEEDUP_THRESHOLD,
            BATCH_OVERHEAD_SHARE,
            BATCH_MAX_LATENCY,
            MEMORY_FRACTION,
            SHUFFLE_THROUGHPUT,
            CLUSTER_CORES,
            FEEDBACK_ENABLED,
            REDIS_URL,
            REDIS_USERNAME,
            REDIS_PASSWORD,
            CACHE_PREFIX,
            CACHE_TTL,
            CACHE_DIR,
            CACHE_SECRET,
            CACHE_REQUIRE_SIGNATURE,
            REDIS_CONNECT_TIMEOUT,
            REDIS_SOCKET_TIMEOUT,
            REDIS_DEADLINE,
            REDIS_MAX_CONNECTIONS,
            REDIS_POOL_MAX_WAIT,
            BREAKER_COOLDOWN,
            REDIS_CLIENT_NAME,
            REDIS_CA_FILE);

    /** The option with this key (without engine prefix), or null. */
    public static Option<?> byKey(String key) {
        for (Option<?> o : ALL) {
            if (o.key().equals(key)) {
                return o;
            }
        }
        return null;
    }

    /** Markdown table of all options under {@code keyPrefix} (e.g. "spark.amorsize."). */
    public static String markdownTable(String keyPrefix) {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | default | environment | description |\n");
        sb.append("|---|---|---|---|\n");
        for (Option<?> o : ALL) {
            sb.append("| `")
                    .append(keyPrefix)
                    .append(o.key())
                    .append("` | ")
                    .append(o.defaultValue() == null ? "(none)" : "`" + o.defaultText() + "`")
                    .append(" | ")
                    .append(o.envVar() == null ? "" : "`" + o.envVar() + "`")
                    .append(" | ")
                    .append(o.description())
                    .append(" |\n");
        }
        return sb.toString();
    }

    // ---- parsing and formatting ----

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d)?");

    /**
     * Parses "250ms", "30s", "5m", "2h", "7d", ISO-8601 ("PT5S"), or a plain number of seconds.
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return nonNegative(Duration.parse(text.trim().toUpperCase(Locale.ROOT)));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration (use 500ms, 30s, 5m, 2h, 7d or PT5S)");
            }
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (use 500ms, 30s, 5m, 2h, 7d or PT5S)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> v * 1e6;
            case "s" -> v * 1e9;
            case "m", "min" -> v * 60e9;
            case "h" -> v * 3600e9;
            case "d" -> v * 86400e9;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
        if (nanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration too large");
        }
        return Duration.ofNanos((long) nanos);
    }

    static String format(Object v) {
        if (v instanceof Duration d) {
            if (d.isZero()) {
                return "0s";
            }
            if (d.toNanos() % 86_400_000_000_000L == 0) {
                return d.toDays() + "d";
            }
            if (d.toNanos() % 1_000_000_000L == 0) {
                return d.toSeconds() + "s";
            }
            return d.toMillis() + "ms";
        }
        if (v instanceof Path p) {
            // Docs tables are the same on every machine: the user's home shows as ~.
            Path home = Path.of(System.getProperty("user.home", "~"));
            return p.startsWith(home) && !home.toString().isEmpty()
                    ? "~/" + home.relativize(p).toString().replace('\\', '/')
                    : p.toString();
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) >= 1e6) {
            return String.valueOf(d.longValue()); // 100000000, not 1.0E8
        }
        return String.valueOf(v);
    }

    private static Duration nonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative");
        }
        return d;
    }

    private static Option<Boolean> bool(String key, boolean def, String desc, String env) {
        return new Option<>(key, Boolean.class, def, desc, env, false, s -> {
            String t = s.toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return true;
            }
            if (t.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("expected true or false");
        });
    }

    private static Option<Duration> duration(String key, Duration def, String desc, String env) {
        return new Option<>(key, Duration.class, def, desc, env, false, Options::parseDuration);
    }

    private static Option<Integer> integer(String key, int def, int min, String desc, String env) {
        return new Option<>(key, Integer.class, def, desc, env, false, s -> {
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number");
            }
            if (v < min) {
                throw new IllegalArgumentException("must be >= " + min);
            }
            return v;
        });
    }

    private static Option<Double> decimal(String key, double def, double min, String desc, String env) {
        return new Option<>(key, Double.class, def, desc, env, false, s -> {
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number");
            }
            if (!Double.isFinite(v) || v < min) {
                throw new IllegalArgumentException("must be a finite number >= " + min);
            }
            return v;
        });
    }

    private static Option<String> string(String key, String def, String desc, String env, boolean secret) {
        return new Option<>(key, String.class, def, desc, env, secret, s -> {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return s;
        });
    }
}
