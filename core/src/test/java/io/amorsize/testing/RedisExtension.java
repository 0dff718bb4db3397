package io.amorsize.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Provides a {@link TestRedis} parameter, in this order:
 * <ol>
 *   <li>{@code AMORSIZE_TEST_REDIS_URL} if set;</li>
 *   <li>else a {@code redis-server} spawned on a free port (one per test JVM, killed at the end);</li>
 *   <li>else a Testcontainers {@code redis:7-alpine} container when a Docker engine is available;</li>
 *   <li>else the test FAILS with a clear message when {@code CI=true}, and is skipped (assumption)
 *       otherwise.</li>
 * </ol>
 * Use with {@code @ExtendWith(RedisExtension.class)} and a {@code TestRedis} test or lifecycle
 * method parameter. Tests that kill, hang or reconfigure a server spawn their own
 * {@link RedisServerProcess} instead.
 */
public final class RedisExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RedisExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == TestRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        Holder h = ec.getRoot().getStore(NS).getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class);
        return h.redis();
    }

    /** Resolves Redis without JUnit (e.g. from a benchmark or a child JVM); same order as above. */
    public static TestRedis resolve() {
        return new Holder().redis();
    }

    static final class Holder implements AutoCloseable {
        private final java.util.Map<String, String> env;
        private final java.util.function.BooleanSupplier redisServerOnPath;
        private final java.util.function.BooleanSupplier docker;
        private TestRedis redis;
        private RedisServerProcess spawned;
        private AutoCloseable container;
        private String failure;

        Holder() {
            this(
                    System.getenv(),
                    RedisServerProcess::available,
                    () -> org.testcontainers.DockerClientFactory.instance().isDockerAvailable());
        }

        Holder(
                java.util.Map<String, String> env,
                java.util.function.BooleanSupplier redisServerOnPath,
                java.util.function.BooleanSupplier docker) {
            this.env = env;
            this.redisServerOnPath = redisServerOnPath;
            this.docker = docker;
        }

        synchronized TestRedis redis() {
            if (redis == null && failure == null) {
                init();
            }
            if (redis == null) {
                if ("true".equalsIgnoreCase(env.get("CI"))) {
                    throw new IllegalStateException("No Redis for tests and CI=true: " + failure);
                }
                Assumptions.abort("No Redis for tests (skipped outside CI): " + failure);
            }
            return redis;
        }

        private void init() {
            String given = env.get("AMORSIZE_TEST_REDIS_URL");
            if (given != null && !given.isBlank()) {
                redis = new TestRedis(given.trim(), "AMORSIZE_TEST_REDIS_URL");
                return;
            }
            if (redisServerOnPath.getAsBoolean()) {
                spawned = RedisServerProcess.start();
                redis = new TestRedis(spawned.url(), "redis-server");
                return;
            }
            try {
                if (docker.getAsBoolean()) {
                    @SuppressWarnings("resource")
                    org.testcontainers.containers.GenericContainer<?> c =
                            new org.testcontainers.containers.GenericContainer<>(
                                            org.testcontainers.utility.DockerImageName.parse("redis:7-alpine"))
                                    .withExposedPorts(6379);
                    c.start();
                    container = c;
                    redis = new TestRedis("redis://" + c.getHost() + ":" + c.getMappedPort(6379), "testcontainers");
                    return;
                }
            } catch (RuntimeException | LinkageError e) {
                failure = "Testcontainers failed: " + e;
                return;
            }
            failure = "AMORSIZE_TEST_REDIS_URL is not set, no redis-server binary on the PATH "
                    + "(apt-get install redis-server) and no Docker engine for Testcontainers";
        }

        @Override
        public synchronized void close() throws Exception {
            if (spawned != null) {
                spawned.close();
            }
            if (container != null) {
                container.close();
            }
        }
    }
}
