package io.amorsize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.cache.InMemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Command structure, option parsing, URL and secret handling, exit codes: no server needed. */
@Timeout(60)
class CliParsingTest {

    final InMemoryStore store = new InMemoryStore();
    final AtomicReference<Target> last = new AtomicReference<>();
    final StoreOpener opener = t -> {
        last.set(t);
        return new InMemoryCommandsTest.Unclosable(store);
    };

    @TempDir
    Path tmp;

    Path spec;

    @BeforeEach
    void writeSpec() throws IOException {
        spec = Files.writeString(tmp.resolve("spec.json"), StoreCommandsContract.SPEC);
    }

    CliRun cli(String... args) {
        return cli(Map.of(), "", args);
    }

    CliRun cli(Map<String, String> env, String stdin, String... args) {
        return CliRun.run(opener, env, stdin, args);
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        CliRun r = cli();
        assertEquals(2, r.code());
        assertTrue(r.out().contains("Usage: amorsize"), r.out());
    }

    @Test
    void helpAndVersionExit0() {
        assertTrue(cli("--help").assertOk().out().contains("doctor"));
        assertTrue(cli("clear", "--help").assertOk().out().contains("--yes"));
        assertTrue(cli("--version").assertOk().out().startsWith("amorsize "));
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        cli("frobnicate").assertFailsCleanly(2);
        cli("list", "--no-such-option").assertFailsCleanly(2);
        cli("show").assertFailsCleanly(2); // KEY missing
        cli("doctor", "--timeout-ms", "soon").assertFailsCleanly(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:6379",
                "redis://",
                "redis://host:6379/db",
                "not a url at all",
                "redis://h:6379/x7"
            })
    void badRedisUrlIsAUsageError(String url) {
        cli("--redis-url", url, "stats").assertFailsCleanly(2);
    }

    @Test
    void passwordOnTheCommandLineIsRefusedAndNeverEchoed() {
        CliRun r = cli("--redis-url", "redis://admin:hunter2pw@127.0.0.1:6379", "stats")
                .assertFailsCleanly(2);
        assertFalse(r.err().contains("hunter2pw") || r.out().contains("hunter2pw"), r.err());
        assertTrue(r.err().contains("AMORSIZE_REDIS_URL"), r.err());
        // A mistyped option that carries the URL must not echo the password either.
        CliRun typo = cli("--redis-urll=redis://admin:hunter2pw@127.0.0.1:6379", "stats")
                .assertFailsCleanly(2);
        assertFalse(typo.err().contains("hunter2pw"), typo.err());
    }

    @Test
    void urlComesFromTheEnvironmentAndPasswordFromANamedVariable() {
        Map<String, String> env = Map.of(
                "AMORSIZE_REDIS_URL",
                "redis://127.0.0.1:7/3",
                "PW",
                "s3cr3t-pass",
                "AMORSIZE_CACHE_PREFIX",
                "envprefix:");
        cli(env, "", "stats").assertOk();
        assertEquals("127.0.0.1", last.get().redis().endpoints().get(0).host());
        assertEquals(3, last.get().redis().database());
        assertEquals("envprefix:", last.get().prefix());
        assertEquals(null, last.get().redis().password());
        CliRun r = cli(env, "", "--password-env", "PW", "stats").assertOk();
        assertEquals("s3cr3t-pass", last.get().redis().password());
        assertEquals(null, last.get().redis().user());
        Map<String, String> withUser = Map.of("AMORSIZE_REDIS_URL", "redis://ops@127.0.0.1:7/3", "PW", "s3cr3t-pass");
        cli(withUser, "", "stats").assertFailsCleanly(2); // a user without a password
        r = cli(withUser, "", "--password-env", "PW", "stats").assertOk();
        assertEquals("s3cr3t-pass", last.get().redis().password());
        assertEquals("ops", last.get().redis().user());
        assertFalse(r.out().contains("s3cr3t-pass"), r.out());
        assertFalse(last.get().toString().contains("s3cr3t-pass"));
        cli(env, "", "--password-env", "NOPE", "stats").assertFailsCleanly(2);
        // --file ignores AMORSIZE_REDIS_URL; --prefix beats AMORSIZE_CACHE_PREFIX
        cli(env, "", "--file", "--cache-dir", tmp.toString(), "--prefix", "p2:", "stats")
                .assertOk();
        assertEquals(null, last.get().redis());
        assertEquals(tmp, last.get().cacheDir());
        assertEquals("p2:", last.get().prefix());
        cli(env, "", "--file", "--redis-url", "redis://h:1", "stats").assertFailsCleanly(2);
        cli(env, "", "--prefix", "bad*prefix", "stats").assertFailsCleanly(2);
    }

    @Test
    void inheritedOptionsWorkAfterTheSubcommandToo() {
        cli("stats", "--redis-url", "redis://after:9", "--prefix", "late:").assertOk();
        assertEquals("after", last.get().redis().endpoints().get(0).host());
        assertEquals("late:", last.get().prefix());
    }

    @Test
    void envUrlPasswordNeverReachesAnErrorMessage() {
        StoreOpener failing = t -> {
            throw new io.amorsize.cache.StoreUnavailableException(
                    "could not connect with " + t.redis().password());
        };
        CliRun r = CliRun.run(failing, Map.of("AMORSIZE_REDIS_URL", "redis://:pw-in-env-123@127.0.0.1:1"), "", "list")
                .assertFailsCleanly(1);
        assertFalse(r.err().contains("pw-in-env-123"), r.err());
    }

    @Test
    void storeFailureIsExit1WithOneLine() {
        StoreOpener down = t -> {
            throw new io.amorsize.cache.StoreUnavailableException("connection refused: 127.0.0.1:1");
        };
        CliRun r = CliRun.run(down, Map.of(), "", "--redis-url", "redis://127.0.0.1:1", "list")
                .assertFailsCleanly(1);
        assertTrue(r.err().contains("connection refused"), r.err());
    }

    @Test
    void secretIsReadFromTheNamedVariableOnly() {
        cli(Map.of(), "", "--secret-env", "UNSET_VAR", "stats").assertFailsCleanly(2);
        cli(
                        Map.of("MY_SECRET", "0123456789abcdef-long"),
                        "",
                        "--secret-env",
                        "MY_SECRET",
                        "--redis-url",
                        "redis://h:1",
                        "stats")
                .assertOk();
    }

    @Test
    void maskHidesPasswordsWithSlashOrAt() {
        assertEquals("redis://****@h", Target.mask("redis://u:pa/ss@h"));
        assertEquals(
                "cannot reach rediss://****@h:6380/1 now", Target.mask("cannot reach rediss://u:p@s/s@h:6380/1 now"));
        assertEquals("redis://h:6379/0", Target.mask("redis://h:6379/0"));
    }
}
