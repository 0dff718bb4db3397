package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.testing.RedisServerProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, test 14: 16 threads in this JVM and 3 child JVMs (4 threads each) miss the same key at
 * the same instant; the measurement runs exactly once in total (counted with INCR in Redis), and
 * every look-up is answered with the entry.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisStampedeIT {

    @Test
    void sixteenThreadsAndThreeProcessesMeasureOnce() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            String url = server.url();
            String prefix = "amorsize-stampede:";
            long startAt = System.currentTimeMillis() + 4000; // child JVMs start in ~1-2 s on a loaded machine
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            List<Process> children = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    children.add(new ProcessBuilder(
                                    java,
                                    "-Xmx128m",
                                    "-XX:TieredStopAtLevel=1",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    StampedeChild.class.getName(),
                                    url,
                                    prefix,
                                    String.valueOf(startAt),
                                    "4")
                            .redirectErrorStream(true)
                            .start());
                }
                int[] here = StampedeChild.run(url, prefix, startAt, 16);
                int measured = here[0];
                int served = here[1];
                Pattern result = Pattern.compile("RESULT measured=(\\d+) served=(\\d+)");
                for (Process p : children) {
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
                    Matcher m = result.matcher(out);
                    assertTrue(m.find(), "child output: " + out);
                    measured += Integer.parseInt(m.group(1));
                    served += Integer.parseInt(m.group(2));
                }
                assertEquals("1", server.cli("GET", prefix + "measurements"), "measurements counted in Redis");
                assertEquals(1, measured, "measurements counted by the participants");
                assertEquals(16 + 3 * 4, served, "every look-up got the entry");
            } finally {
                children.forEach(Process::destroyForcibly);
            }
        }
    }
}
