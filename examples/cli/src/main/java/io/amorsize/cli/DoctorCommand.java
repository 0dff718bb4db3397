package io.amorsize.cli;

import io.amorsize.cache.CacheConfig;
import io.amorsize.cache.RedisStore;
import io.amorsize.cache.RedisUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;

@Command(
        name = "doctor",
        description = {
            "Check TLS, connectivity, latency, ACL, the fallback directory and the secret.",
            "One PASS / FAIL / SKIP line per check; exit 1 if any check FAILs. The ACL check runs every",
            "command the cache uses on a scratch key under the prefix (deleted afterwards)."
        })
final class DoctorCommand implements Callable<Integer> {

    enum Verdict {
        PASS,
        FAIL,
        SKIP
    }

    record Check(String name, Verdict verdict, String detail) {}

    /** The rules of the least-privilege user the cache needs (docs/CACHE.md); PREFIX is replaced. */
    static final String ACL_RULES =
            "resetkeys ~PREFIX* resetchannels -@all +get +set +del +unlink +scan +eval +info +ping +client|setname";

    @ParentCommand
    AmorsizeCli cli;

    @Option(
            names = "--timeout-ms",
            defaultValue = "2000",
            paramLabel = "MS",
            description = "Connect and command timeout (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    @Option(
            names = "--max-latency-ms",
            defaultValue = "50",
            paramLabel = "MS",
            description = "Highest acceptable p99 PING round trip (default: ${DEFAULT-VALUE}).")
    double maxLatencyMs;

    @Option(names = "--require-tls", description = "Fail the TLS check for a plain redis:// URL.")
    boolean requireTls;

    @Override
    public Integer call() {
        if (timeoutMs < 1 || timeoutMs > 600_000) {
            throw CliException.usage("--timeout-ms must be in 1..600000");
        }
        if (!(maxLatencyMs > 0)) {
            throw CliException.usage("--max-latency-ms must be > 0");
        }
        Target t = cli.target();
        cli.out.println("amorsize doctor: " + t.describe() + (t.isRedis() ? ", file fallback in " + t.cacheDir() : ""));
        List<Check> checks = new ArrayList<>();
        if (t.isRedis()) {
            redisChecks(t, checks);
        } else {
            for (String n : List.of("tls", "connect", "latency", "acl")) {
                checks.add(new Check(
                        n, Verdict.SKIP, "no Redis URL (--redis-url or AMORSIZE_REDIS_URL): file store only"));
            }
        }
        checks.add(cacheDir(t.cacheDir()));
        checks.add(secret(t));
        int failed = 0;
        for (Check c : checks) {
            cli.out.printf(Locale.ROOT, "%-5s %-9s %s%n", c.verdict(), c.name(), cli.scrub(c.detail()));
            if (c.verdict() == Verdict.FAIL) {
                failed++;
            }
        }
        cli.out.println("verdict: "
                + (failed == 0 ? "PASS" : "FAIL (" + failed + (failed == 1 ? " check" : " checks") + " failed)"));
        return failed == 0 ? AmorsizeCli.EXIT_OK : AmorsizeCli.EXIT_FAILED;
    }

    private void redisChecks(Target t, List<Check> checks) {
        RedisUrl u = t.redis();
        RedisUrl.Endpoint first = u.endpoints().get(0);
        if (u.topology() != RedisUrl.Topology.STANDALONE) {
            viaStore(t, checks);
            return;
        }
        boolean tlsOk = true;
        if (u.tls()) {
            try {
                RedisProbe.Handshake h = RedisProbe.handshake(t, timeoutMs);
                checks.add(new Check(
                        "tls",
                        Verdict.PASS,
                        h.protocol() + " " + h.cipher() + ", certificate of '" + h.peer() + "' verified for host "
                                + first.host()));
            } catch (SSLException e) {
                tlsOk = false;
                checks.add(new Check("tls", Verdict.FAIL, "handshake with " + first + " failed: " + rootMessage(e)));
            } catch (IOException e) {
                tlsOk = false;
                checks.add(new Check("tls", Verdict.FAIL, "cannot reach " + first + ": " + rootMessage(e)));
            }
        } else {
            checks.add(plainTls());
        }
        if (!tlsOk) {
            checks.add(new Check("connect", Verdict.FAIL, "not attempted: the TLS handshake failed"));
            notConnected(checks);
            return;
        }
        long t0 = System.nanoTime();
        Jedis j;
        try {
            j = RedisProbe.connect(t, timeoutMs);
        } catch (JedisAccessControlException e) {
            checks.add(new Check("connect", Verdict.FAIL, "authentication failed at " + first + ": " + rootMessage(e)));
            notConnected(checks);
            return;
        } catch (RuntimeException e) {
            checks.add(new Check(
                    "connect",
                    Verdict.FAIL,
                    "cannot reach " + first + " within " + timeoutMs + " ms: " + rootMessage(e)));
            notConnected(checks);
            return;
        }
        try (j) {
            double connectMs = (System.nanoTime() - t0) / 1e6;
            String version = "?";
            String user = "?";
            try {
                version = RedisProbe.infoField(j.info("server"), "redis_version");
            } catch (JedisDataException e) {
                // INFO may be denied by ACL; the acl check reports it.
            }
            try {
                user = j.aclWhoAmI();
            } catch (JedisDataException e) {
                // ACL WHOAMI may be denied too.
            }
            checks.add(new Check(
                    "connect",
                    Verdict.PASS,
                    String.format(
                            Locale.ROOT,
                            "connected to %s and authenticated in %.0f ms (redis %s, user %s)",
                            first,
                            connectMs,
                            version,
                            user)));
            checks.add(latency(j::ping));
            checks.add(acl(j, t.prefix()));
        } catch (JedisConnectionException e) {
            checks.add(new Check("latency", Verdict.FAIL, "connection lost: " + rootMessage(e)));
        }
    }

    /** Sentinel and Cluster URLs: connectivity and latency through the cache's own client. */
    private void viaStore(Target t, List<Check> checks) {
        checks.add(
                t.redis().tls()
                        ? new Check(
                                "tls",
                                Verdict.SKIP,
                                "handshake checked for standalone URLs only; "
                                        + "connect below uses TLS with verification")
                        : plainTls());
        CacheConfig.Builder b = Stores.config(t);
        b.connectTimeout(java.time.Duration.ofMillis(timeoutMs))
                .socketTimeout(java.time.Duration.ofMillis(timeoutMs))
                .deadline(java.time.Duration.ofMillis(2L * timeoutMs + 500));
        try (RedisStore store = new RedisStore(b.build())) {
            long t0 = System.nanoTime();
            if (!store.ping()) {
                checks.add(new Check(
                        "connect",
                        Verdict.FAIL,
                        "no answer from " + t.redis().masked() + " within " + timeoutMs + " ms"));
                notConnected(checks);
                return;
            }
            checks.add(new Check(
                    "connect",
                    Verdict.PASS,
                    String.format(
                            Locale.ROOT,
                            "%s answered in %.0f ms (%s)",
                            t.redis().masked(),
                            (System.nanoTime() - t0) / 1e6,
                            t.redis().topology())));
            checks.add(latency(() -> {
                if (!store.ping()) {
                    throw new JedisConnectionException("no answer");
                }
            }));
            checks.add(new Check("acl", Verdict.SKIP, "checked for standalone URLs only"));
        }
    }

    private Check plainTls() {
        return new Check(
                "tls",
                requireTls ? Verdict.FAIL : Verdict.SKIP,
                "plain redis:// (not encrypted); use rediss:// across untrusted networks");
    }

    private static void notConnected(List<Check> checks) {
        checks.add(new Check("latency", Verdict.SKIP, "not connected"));
        checks.add(new Check("acl", Verdict.SKIP, "not connected"));
    }

    private Check latency(Runnable ping) {
        int n = 25;
        double[] ms = new double[n];
        ping.run(); // warm-up: the first call loads classes
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            ping.run();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        double p50 = ms[n / 2];
        double p99 = ms[(int) Math.ceil(0.99 * n) - 1];
        String d = String.format(
                Locale.ROOT,
                "PING round trip p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d calls (limit p99 %.0f ms)",
                p50,
                p99,
                ms[n - 1],
                n,
                maxLatencyMs);
        return new Check("latency", p99 <= maxLatencyMs ? Verdict.PASS : Verdict.FAIL, d);
    }

    /**
     * Runs every command the cache uses against a scratch key under the prefix (so key patterns like
     * {@code ~amorsize:*} are exercised too) and lists the ones the server refuses.
     */
    private Check acl(Jedis j, String prefix) {
        String key = prefix + "doctor:" + UUID.randomUUID();
        String token = UUID.randomUUID().toString();
        List<String> denied = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        try {
            probe(
                    "SET",
                    denied,
                    allowed,
                    () -> j.set(key, "doctor", SetParams.setParams().nx().px(60_000)));
            probe("GET", denied, allowed, () -> j.get(key));
            probe(
                    "SCAN",
                    denied,
                    allowed,
                    () -> j.scan(
                            ScanParams.SCAN_POINTER_START,
                            new ScanParams().match(prefix + "*").count(10)));
            probe(
                    "EVAL",
                    denied,
                    allowed,
                    () -> j.eval(
                            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
                            List.of(key),
                            List.of(token)));
            probe("INFO", denied, allowed, () -> j.info("memory"));
            probe("CLIENT SETNAME", denied, allowed, () -> j.clientSetname("amorsize-cli"));
            probe("PING", denied, allowed, j::ping);
            probe("UNLINK", denied, allowed, () -> j.unlink(key));
            probe("DEL", denied, allowed, () -> j.del(key));
        } finally {
            try {
                j.unlink(key);
            } catch (RuntimeException e) {
                // best effort; the scratch key expires in 60 s anyway
            }
        }
        if (denied.isEmpty()) {
            return new Check("acl", Verdict.PASS, String.join(" ", allowed) + " allowed on keys '" + prefix + "*'");
        }
        return new Check(
                "acl",
                Verdict.FAIL,
                "denied: " + String.join(", ", denied) + " (the cache needs: " + ACL_RULES.replace("PREFIX", prefix)
                        + ")");
    }

    private static void probe(String name, List<String> denied, List<String> allowed, Runnable r) {
        try {
            r.run();
            allowed.add(name);
        } catch (JedisAccessControlException e) {
            denied.add(name);
        } catch (JedisDataException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("NOPERM") || m.contains("no permissions")) {
                denied.add(name);
            } else {
                denied.add(name + " (" + m + ")");
            }
        }
    }

    static Check cacheDir(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".doctor-", ".tmp");
            Path dst = dir.resolve(".doctor-" + UUID.randomUUID() + ".json");
            try {
                Files.writeString(tmp, "{\"doctor\":true}", StandardCharsets.UTF_8);
                Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
                String back = Files.readString(dst, StandardCharsets.UTF_8);
                if (!back.equals("{\"doctor\":true}")) {
                    return new Check("cache-dir", Verdict.FAIL, dir + ": read back different bytes");
                }
            } finally {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(dst);
            }
            return new Check(
                    "cache-dir", Verdict.PASS, dir.toAbsolutePath() + " is writable (write, atomic rename, read back)");
        } catch (AccessDeniedException e) {
            return new Check("cache-dir", Verdict.FAIL, dir + ": permission denied (" + e.getFile() + ")");
        } catch (FileSystemException e) {
            return new Check(
                    "cache-dir",
                    Verdict.FAIL,
                    dir + ": "
                            + (e.getReason() != null
                                    ? e.getReason()
                                    : e.getClass().getSimpleName()) + " (" + e.getFile() + ")");
        } catch (IOException | UnsupportedOperationException e) {
            return new Check("cache-dir", Verdict.FAIL, dir + ": " + e);
        }
    }

    private static Check secret(Target t) {
        if (t.secret() == null) {
            return new Check(
                    "secret",
                    Verdict.SKIP,
                    "no HMAC secret: entries are not signed (set AMORSIZE_CACHE_SECRET or --secret-env)");
        }
        int n = t.secret().getBytes(StandardCharsets.UTF_8).length;
        if (n < 16) {
            return new Check(
                    "secret", Verdict.FAIL, "HMAC secret is only " + n + " bytes; use at least 16 random bytes");
        }
        return new Check("secret", Verdict.PASS, "HMAC secret set (" + n + " bytes)");
    }

    private static String rootMessage(Throwable e) {
        Throwable r = e;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String m = r.getMessage();
        return r == e ? String.valueOf(m) : e.getClass().getSimpleName() + ": " + m;
    }
}
