/**
 * Test support shared with the Spark and Flink modules through core's test-jar
 * ({@code amorsize-core} with {@code <type>test-jar</type>}, test scope):
 * <ul>
 *   <li>{@link io.amorsize.testing.RedisExtension} — a JUnit 5 extension resolving a {@link io.amorsize.testing.TestRedis}
 *       parameter: {@code AMORSIZE_TEST_REDIS_URL}, else a spawned {@code redis-server}, else Testcontainers, else
 *       fail when {@code CI=true} and skip otherwise;</li>
 *   <li>{@link io.amorsize.testing.RedisServerProcess} — a real {@code redis-server} (plain, TLS or Sentinel) on a
 *       free port that tests may kill, suspend, resume and restart; always cleaned up;</li>
 *   <li>{@link io.amorsize.testing.LogCapture} — captures every log line and throwable (secret-leak checks).</li>
 * </ul>
 */
package io.amorsize.testing;
