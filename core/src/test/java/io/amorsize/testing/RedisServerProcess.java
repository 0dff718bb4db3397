package io.amorsize.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} child process on a free loopback port, for tests that need a real server they
 * may kill ({@link #kill9()}), hang ({@link #suspend()} / {@link #resume()}) and restart on the same
 * port ({@link #restart()}).
 *
 * <p>Started as {@code redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no --dir <tmp>}
 * plus the extra arguments given. Every live server is killed on {@link #close()} and, as a last
 * resort, by a JVM shutdown hook, so a failing test never leaves a server behind.
 *
 * <p>Also runs Sentinel ({@link #sentinel}) and TLS-only servers ({@link #tls}).
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Set<RedisServerProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (RedisServerProcess p : LIVE) {
                                p.destroyQuietly();
                            }
                        },
                        "redis-server-reaper"));
    }

    private final int port;
    private final List<String> extraArgs;
    private final Path workDir;
    private final boolean tls;
    private final Path configFile;
    private volatile Process process;

    private RedisServerProcess(int port, List<String> extraArgs, Path workDir, boolean tls, Path configFile) {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.workDir = workDir;
        this.tls = tls;
        this.configFile = configFile;
    }

    /** True when a {@code redis-server} binary is on the PATH. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a plain server on a free port with {@code extraArgs} appended (e.g. "--requirepass", "x"). */
    public static RedisServerProcess start(String... extraArgs) {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            RedisServerProcess p = new RedisServerProcess(port, List.of(extraArgs), tempDir(), false, null);
            try {
                p.launch();
                return p;
            } catch (IOException e) {
                last = e;
                p.close();
            }
        }
        throw new UncheckedIOException("could not start redis-server", last);
    }

    /** Starts a server on a given port (e.g. a replica that must know its port in advance). */
    public static RedisServerProcess startOnPort(int port, String... extraArgs) {
        RedisServerProcess p = new RedisServerProcess(port, List.of(extraArgs), tempDir(), false, null);
        try {
            p.launch();
            return p;
        } catch (IOException e) {
            p.close();
            throw new UncheckedIOException("could not start redis-server on port " + port, e);
        }
    }

    /**
     * Starts a TLS-only server ({@code --port 0 --tls-port <free>}) with the given PEM files; clients are
     * not asked for certificates.
     */
    public static RedisServerProcess tls(Path certFile, Path keyFile, Path caFile, String... extraArgs) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(
                "--tls-cert-file",
                certFile.toString(),
                "--tls-key-file",
                keyFile.toString(),
                "--tls-ca-cert-file",
                caFile.toString(),
                "--tls-auth-clients",
                "no"));
        args.addAll(List.of(extraArgs));
        RedisServerProcess p = new RedisServerProcess(port, args, tempDir(), true, null);
        try {
            p.launch();
            return p;
        } catch (IOException e) {
            p.close();
            throw new UncheckedIOException("could not start TLS redis-server", e);
        }
    }

    /**
     * Starts a TLS-only Sentinel ({@code port 0}, {@code tls-port <free>}, TLS to the master too) watching
     * {@code masterName} at 127.0.0.1:{@code masterPort} with quorum 1 and the master's password
     * {@code authPass} (or none when null).
     */
    public static RedisServerProcess sentinelTls(
            String masterName, int masterPort, String authPass, Path certFile, Path keyFile, Path caFile) {
        int port = freePort();
        Path dir = tempDir();
        Path conf = dir.resolve("sentinel.conf");
        String text = "port 0\n"
                + "tls-port " + port + "\n"
                + "tls-cert-file " + certFile + "\n"
                + "tls-key-file " + keyFile + "\n"
                + "tls-ca-cert-file " + caFile + "\n"
                + "tls-auth-clients no\n"
                + "tls-replication yes\n"
                + "bind 127.0.0.1\n"
                + "dir " + dir + "\n"
                + "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1\n"
                + (authPass == null ? "" : "sentinel auth-pass " + masterName + " " + authPass + "\n");
        try {
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisServerProcess p = new RedisServerProcess(port, List.of(), dir, true, conf);
        try {
            p.launch();
            return p;
        } catch (IOException e) {
            p.close();
            throw new UncheckedIOException("could not start TLS redis sentinel", e);
        }
    }

    /**
     * Starts a Sentinel watching {@code masterName} at 127.0.0.1:{@code masterPort}, quorum 1, with
     * short failure detection ({@code downAfter}) and failover timeout.
     */
    public static RedisServerProcess sentinel(
            String masterName, int masterPort, Duration downAfter, Duration failoverTimeout) {
        int port = freePort();
        Path dir = tempDir();
        Path conf = dir.resolve("sentinel.conf");
        String text = "port " + port + "\n"
                + "bind 127.0.0.1\n"
                + "dir " + dir + "\n"
                + "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1\n"
                + "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis() + "\n"
                + "sentinel failover-timeout " + masterName + " " + failoverTimeout.toMillis() + "\n"
                + "sentinel parallel-syncs " + masterName + " 1\n";
        try {
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisServerProcess p = new RedisServerProcess(port, List.of(), dir, false, conf);
        try {
            p.launch();
            return p;
        } catch (IOException e) {
            p.close();
            throw new UncheckedIOException("could not start redis sentinel", e);
        }
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add("redis-server");
        if (configFile != null) {
            cmd.add(configFile.toString());
            cmd.add("--sentinel");
            return cmd;
        }
        if (tls) {
            cmd.addAll(List.of("--port", "0", "--tls-port", String.valueOf(port)));
        } else {
            cmd.addAll(List.of("--port", String.valueOf(port)));
        }
        cmd.addAll(List.of(
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workDir.toString(),
                "--logfile",
                workDir.resolve("redis.log").toString()));
        cmd.addAll(extraArgs);
        return cmd;
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("stdout.log").toFile());
        process = pb.start();
        LIVE.add(this);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": " + log());
            }
            if (ready()) {
                return;
            }
            sleep(10);
        }
        throw new IOException("redis-server on port " + port + " not ready within 10 s: " + log());
    }

    private boolean ready() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            if (tls) {
                return true;
            }
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            int c = in.read();
            // +PONG, or -NOAUTH / -LOADING: the server answers.
            return c == '+' || c == '-';
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} ({@code rediss://localhost:<port>} for TLS servers). */
    public String url() {
        return tls ? "rediss://localhost:" + port : "redis://127.0.0.1:" + port;
    }

    /** Process id of the running server. */
    public long pid() {
        return Objects.requireNonNull(process, "not started").pid();
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: clients see connection refused / reset. */
    public void kill9() {
        Process p = process;
        if (p != null) {
            signal("CONT");
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGSTOP: connects still succeed (the kernel accepts), replies never come. */
    public void suspend() {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend()}. */
    public void resume() {
        signal("CONT");
    }

    /** Kills the server if running and starts it again on the same port, empty (no persistence). */
    public void restart() {
        kill9();
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                launch();
                return;
            } catch (IOException e) {
                last = e;
                destroyQuietly();
                sleep(100); // port may still be in TIME_WAIT / held briefly
            }
        }
        throw new UncheckedIOException("could not restart redis-server on port " + port, last);
    }

    /** Runs {@code redis-cli -p <port> args...} and returns its output (for setup such as ACL SETUSER). */
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli timed out: " + cmd);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server's log file contents (for assertion messages). */
    public String log() {
        try {
            Path f = workDir.resolve("redis.log");
            if (!Files.exists(f)) {
                f = workDir.resolve("stdout.log");
            }
            String s = Files.exists(f) ? Files.readString(f) : "";
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        destroyQuietly();
        LIVE.remove(this);
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private void destroyQuietly() {
        Process p = process;
        if (p != null && p.isAlive()) {
            signal("CONT");
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void signal(String sig) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid()))
                    .redirectErrorStream(true)
                    .start();
            k.getInputStream().readAllBytes();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A currently free loopback port. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("amorsize-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "redis-server[" + (configFile != null ? "sentinel " : tls ? "tls " : "") + "port " + port + "]";
    }
}
