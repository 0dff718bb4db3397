package io.amorsize.spark;

import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.CostProfile;
import io.amorsize.measure.FunctionFailedException;
import io.amorsize.measure.Measurer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.time.Duration;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag$;

/**
 * Times the user's function on an executor: the sample travels there inside a one-slice
 * parallelized collection (serialized with the application's serializer, so Kryo-only records
 * work), a core {@link Measurer} built on the executor from plain option values warms up and
 * times the function, and the {@link CostProfile} comes back Java-serialized as bytes (independent
 * of the configured serializer). A function failure is returned as text, never as a failed task
 * (which Spark would retry).
 */
final class ExecutorMeasurement {

    static final String PHASE = "measure";

    private ExecutorMeasurement() {
    }

    /** The measurement budgets as primitives (core's Settings are not serializable). */
    record Budgets(long sampleNanos, long warmupNanos, long measureNanos, int maxRecords) implements Serializable {
        static Budgets of(Settings s) {
            return new Budgets(s.get(Options.SAMPLE_BUDGET).toNanos(), s.get(Options.WARMUP_BUDGET).toNanos(),
                    s.get(Options.MEASURE_BUDGET).toNanos(), s.get(Options.SAMPLE_MAX_RECORDS));
        }

        /** A Measurer built on the executor; records are sized with the application's serializer. */
        Measurer measurer() {
            Measurer m = Measurer.withBudgets(Duration.ofNanos(sampleNanos), Duration.ofNanos(warmupNanos),
                    Duration.ofNanos(measureNanos), maxRecords);
            SparkEnv env = SparkEnv.get();
            if (env == null) {
                return m;
            }
            SerializerInstance ser = env.serializer().newInstance();
            return m.withSizer(record -> {
                if (record == null) {
                    return 0;
                }
                try {
                    return ser.serialize(record, ClassTag$.MODULE$.AnyRef()).remaining();
                } catch (Throwable t) {
                    return -1;
                }
            });
        }
    }

    /** The measurement task's result. */
    record Outcome(CostProfile profile, String error, FunctionFailedException failure, long pid, String executorId)
            implements Serializable {
        String where() {
            return "executor " + executorId + " (pid " + pid + ")";
        }
    }

    /** Per-record function over samples grouped by input partition. */
    static <T, R> Outcome measureRecords(JavaSparkContext jsc, List<? extends List<T>> groups, Function<T, R> fn,
                                         Budgets budgets) {
        ArrayList<ArrayList<T>> copy = new ArrayList<>();
        for (List<T> g : groups) {
            copy.add(new ArrayList<>(g));
        }
        FlatMapFunction<Iterator<ArrayList<ArrayList<T>>>, byte[]> task = it -> {
            ArrayList<ArrayList<T>> g = it.next();
            Outcome o;
            try {
                Measurer m = budgets.measurer();
                o = ok(m.measure(g, fn::call));
            } catch (Throwable e) {
                o = failed(e);
            }
            return List.of(toBytesOrText(o)).iterator();
        };
        return run(jsc, copy, task);
    }

    /** Batch function over the flattened sample. */
    static <T, R> Outcome measureBatches(JavaSparkContext jsc, List<T> sample, Function<List<T>, List<R>> fn,
                                         Budgets budgets) {
        ArrayList<T> copy = new ArrayList<>(sample);
        FlatMapFunction<Iterator<ArrayList<T>>, byte[]> task = it -> {
            ArrayList<T> s = it.next();
            Outcome o;
            try {
                Measurer m = budgets.measurer();
                o = ok(m.measureBatches(s, fn::call));
            } catch (Throwable e) {
                o = failed(e);
            }
            return List.of(toBytesOrText(o)).iterator();
        };
        return run(jsc, copy, task);
    }

    private static <S> Outcome run(JavaSparkContext jsc, S payload, FlatMapFunction<Iterator<S>, byte[]> task) {
        List<S> one = new ArrayList<>();
        one.add(payload);
        List<byte[]> out = jsc.parallelize(one, 1).mapPartitions(task).collect();
        return fromBytes(out.get(0));
    }

    private static Outcome ok(CostProfile p) {
        return new Outcome(p, null, null, ProcessHandle.current().pid(), executorId());
    }

    private static Outcome failed(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        FunctionFailedException f = e instanceof FunctionFailedException ffe ? ffe : null;
        return new Outcome(null, msg, f, ProcessHandle.current().pid(), executorId());
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }

    /** The outcome's bytes; when the user's exception cannot be serialized, its text only. */
    static byte[] toBytesOrText(Outcome o) throws IOException {
        try {
            return toBytes(o);
        } catch (IOException e) {
            return toBytes(new Outcome(o.profile(), o.error(), null, o.pid(), o.executorId()));
        }
    }

    static byte[] toBytes(Outcome o) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
        }
        return bos.toByteArray();
    }

    static Outcome fromBytes(byte[] b) {
        // resolve classes (the user's exception types) through the context loader, as Spark does
        // for application jars added with --jars
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                ClassLoader cl = Thread.currentThread().getContextClassLoader();
                if (cl != null) {
                    try {
                        return Class.forName(desc.getName(), false, cl);
                    } catch (ClassNotFoundException e) {
                        // fall through to the default resolution
                    }
                }
                return super.resolveClass(desc);
            }
        }) {
            return (Outcome) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read the measurement result: " + e, e);
        }
    }
}
