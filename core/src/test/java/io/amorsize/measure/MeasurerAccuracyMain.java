package io.amorsize.measure;

import io.amorsize.BatchFunction;
import io.amorsize.RecordFunction;
import io.amorsize.Ticker;
import io.amorsize.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark program (not a test): measures functions of known cost with the default budgets and
 * prints a markdown table of measured vs nominal cost, with the machine's load average.
 *
 * <pre>
 * mvn -B -q -o test-compile -pl core
 * mvn -B -q -o dependency:build-classpath -pl core -Dmdep.outputFile=/tmp/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat /tmp/cp.txt) io.amorsize.measure.MeasurerAccuracyMain
 * </pre>
 */
public final class MeasurerAccuracyMain {

    private MeasurerAccuracyMain() {}

    public static void main(String[] args) throws Exception {
        Measurer m = new Measurer(Settings.defaults(), Ticker.system());
        System.out.println("load average at start: " + loadAverage());
        System.out.println();
        System.out.println(
                "| function | nominal | p50 | mean | p95 | p50 err | mean err | cpu share | settled | timed | took |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        row(m, "x * 2 + 1", Double.NaN, 1000, x -> x * 2 + 1);
        row(m, "CPU spin 50 us", 50_000, 1000, x -> Work.spinCpu(50_000));
        row(m, "CPU spin 500 us", 500_000, 300, x -> Work.spinCpu(500_000));
        row(m, "CPU spin 5 ms", 5_000_000, 60, x -> Work.spinCpu(5_000_000));
        row(m, "sleep 1 ms", 1_000_000, 200, x -> {
            Work.sleep(1);
            return x;
        });
        BatchFunction<Integer, Integer> batch = b -> {
            Work.sleep(20);
            Work.spinCpu(200_000L * b.size());
            return b;
        };
        long t0 = System.nanoTime();
        CostProfile p = m.measureBatches(Work.ints(100), batch);
        long took = System.nanoTime() - t0;
        BatchFit f = p.batchFit();
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "batch sleep 20 ms + CPU spin 200 us/record: fixed %.2f ms (err %+.1f %%), "
                        + "per record %.1f us (err %+.1f %%), %d sizes, r2 %.3f, took %d ms%n",
                f.fixedNanos() / 1e6,
                100 * (f.fixedNanos() / 20e6 - 1),
                f.perRecordNanos() / 1e3,
                100 * (f.perRecordNanos() / 200e3 - 1),
                f.points(),
                f.rSquared(),
                took / 1_000_000);
        System.out.println("load average at end: " + loadAverage());
    }

    private static <R> void row(Measurer m, String name, double nominal, int records, RecordFunction<Integer, R> fn) {
        long t0 = System.nanoTime();
        CostProfile p = m.measure(List.of(Work.ints(records)), fn);
        long took = System.nanoTime() - t0;
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %.2f | %s | %d | %d ms |%n",
                name,
                Double.isNaN(nominal) ? "?" : ns(nominal),
                ns(p.p50Nanos()),
                ns(p.meanNanos()),
                ns(p.p95Nanos()),
                err(p.p50Nanos(), nominal),
                err(p.meanNanos(), nominal),
                p.cpuFraction(),
                p.steadyState(),
                p.sampleSize(),
                took / 1_000_000);
    }

    private static String ns(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f ms", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f us", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f ns", v);
    }

    private static String err(double measured, double nominal) {
        return Double.isNaN(nominal) ? "" : String.format(Locale.ROOT, "%+.1f %%", 100 * (measured / nominal - 1));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
