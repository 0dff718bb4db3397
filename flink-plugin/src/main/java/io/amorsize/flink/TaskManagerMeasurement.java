package io.amorsize.flink;

import io.amorsize.AmorsizeException;
import io.amorsize.Ticker;
import io.amorsize.config.Option;
import io.amorsize.config.Options;
import io.amorsize.config.Settings;
import io.amorsize.measure.Measured;
import io.amorsize.measure.Measurer;
import io.amorsize.model.ClusterShape;
import io.amorsize.model.Workload;
import io.amorsize.recommend.DecisionStopRule;
import java.io.Serializable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.InstantiationUtil;

/**
 * Measures the function where the job will run: a small bounded job of parallelism 1 on the cluster
 * the environment submits to carries the sample (through Flink's serializers) to one task manager,
 * where the core {@link Measurer} warms the function up and times it (with the decision-driven stop
 * of {@link DecisionStopRule}, as in the client) and returns the profile. Only the sample travels; the
 * job never reads the input, and nothing on the task manager touches the cache (the options shipped
 * to it exclude every {@code redis.*} and {@code cache.*} option and every secret).
 *
 * <p>The job runs in an environment of its own with the user's environment's configuration (target,
 * REST address, jars), so transformations the user has already added are neither executed nor cleared.
 */
final class TaskManagerMeasurement {

    static final String JOB_NAME = "Amorsize measurement";

    private TaskManagerMeasurement() {}

    /** What to run on the sample in the task manager (serialized with the job: capture only the function). */
    @FunctionalInterface
    interface Step<T> extends Serializable {
        Measured run(Measurer measurer, List<T> records);
    }

    /** The profile and where it was measured. */
    record Result(Measured measured, String host, long pid, String task, String failure) implements Serializable {
        /** For the explanation. */
        String where() {
            return "measured on a task manager: " + host + " pid " + pid + " (" + task + ")";
        }
    }

    static <T> Result run(
            StreamExecutionEnvironment env,
            List<T> records,
            TypeInformation<T> type,
            Step<T> step,
            Settings settings,
            Workload workload,
            ClusterShape cluster) {
        Configuration conf = Configuration.fromMap(env.getConfiguration().toMap());
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment job =
                new StreamExecutionEnvironment(conf, Thread.currentThread().getContextClassLoader());
        job.setParallelism(1);
        List<byte[]> out;
        try {
            out = job.fromData(new ArrayList<>(records), type)
                    .setParallelism(1)
                    .transform(
                            JOB_NAME,
                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
                            new MeasureOperator<>(step, shippable(settings), workload, cluster))
                    .setParallelism(1)
                    .executeAndCollect(JOB_NAME, 2);
        } catch (Exception e) {
            throw new AmorsizeException("the measurement job on the cluster failed: " + rootMessage(e), e);
        }
        if (out.size() != 1) {
            throw new AmorsizeException("the measurement job returned " + out.size() + " results, expected 1");
        }
        Result r;
        try {
            r = InstantiationUtil.deserializeObject(out.get(0), TaskManagerMeasurement.class.getClassLoader());
        } catch (Exception e) {
            throw new AmorsizeException("the measurement job's result could not be read: " + e, e);
        }
        if (r.failure() != null) {
            throw new AmorsizeException(r.failure());
        }
        return r;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e) : e.getClass().getSimpleName() + " caused by " + t;
    }

    /** Option values the task manager needs: no cache or Redis option and no secret ever leaves the client. */
    static HashMap<String, Serializable> shippable(Settings settings) {
        HashMap<String, Serializable> values = new HashMap<>();
        for (Option<?> o : Options.ALL) {
            if (o.secret() || o.key().startsWith("redis.") || o.key().startsWith("cache.")) {
                continue;
            }
            Object v = settings.get(o);
            if (v instanceof Serializable s) {
                values.put(o.key(), s);
            }
        }
        return values;
    }

    /** {@link #shippable} back into settings, on the task manager. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Settings restore(Map<String, Serializable> values) {
        Settings s = Settings.defaults();
        for (Option<?> o : Options.ALL) {
            Serializable v = values.get(o.key());
            if (v != null) {
                s = s.with((Option) o, v);
            }
        }
        return s;
    }

    /** Buffers the sample; at end of input measures it in this task manager and emits one serialized {@link Result}. */
    static final class MeasureOperator<T> extends AbstractStreamOperator<byte[]>
            implements OneInputStreamOperator<T, byte[]>, BoundedOneInput {
        private static final long serialVersionUID = 1L;

        private final Step<T> step;
        private final HashMap<String, Serializable> settings;
        private final Workload workload;
        private final ClusterShape cluster;
        private transient List<T> buffer;
        private transient TypeSerializer<T> copier;

        MeasureOperator(Step<T> step, HashMap<String, Serializable> settings, Workload workload, ClusterShape cluster) {
            this.step = step;
            this.settings = settings;
            this.workload = workload;
            this.cluster = cluster;
        }

        @Override
        public void open() throws Exception {
            super.open();
            buffer = new ArrayList<>();
            if (getExecutionConfig().isObjectReuseEnabled()) {
                copier = getOperatorConfig().getTypeSerializerIn(0, getUserCodeClassloader());
            }
        }

        @Override
        public void processElement(StreamRecord<T> element) {
            T v = element.getValue();
            buffer.add(copier == null ? v : copier.copy(v));
        }

        @Override
        public void endInput() throws Exception {
            Settings s = restore(settings);
            Measurer measurer = DecisionStopRule.attach(
                    new Measurer(s, Ticker.system())
                            .withSizer(new FlinkSizer(getExecutionConfig().getSerializerConfig())),
                    s,
                    workload,
                    cluster);
            String task = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
            Result r;
            try {
                r = new Result(
                        step.run(measurer, buffer),
                        host(),
                        ProcessHandle.current().pid(),
                        task,
                        null);
            } catch (RuntimeException e) {
                // The user's function threw on a sampled record: report it to the client, which falls back.
                r = new Result(
                        null,
                        host(),
                        ProcessHandle.current().pid(),
                        task,
                        e.getMessage() == null ? e.toString() : e.getMessage());
            }
            output.collect(new StreamRecord<>(InstantiationUtil.serializeObject(r)));
        }

        private static String host() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                return "?";
            }
        }
    }
}
