package io.amorsize.flink;

import io.amorsize.measure.Sizer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Sizes records with the serializer Flink would use for their class (basic types, POJOs, tuples,
 * Kryo for generic types) under the environment's serializer configuration — the bytes a shuffle
 * really moves. Java serialization overstates small records several times (a {@code Long} is
 * 8 bytes in Flink, ~80 with Java serialization). Never throws: an unsizable record yields -1.
 */
final class FlinkSizer implements Sizer {

    private final SerializerConfig config;
    private final Map<Class<?>, TypeSerializer<Object>> serializers = new ConcurrentHashMap<>();
    private final DataOutputSerializer buffer = new DataOutputSerializer(256);

    FlinkSizer(SerializerConfig config) {
        this.config = config;
    }

    @Override
    public synchronized long sizeOf(Object record) {
        if (record == null) {
            return 0;
        }
        try {
            TypeSerializer<Object> s = serializers.computeIfAbsent(record.getClass(), this::serializerFor);
            buffer.clear();
            s.serialize(record, buffer);
            return buffer.length();
        } catch (RuntimeException | java.io.IOException | LinkageError e) {
            return -1;
        }
    }

    /** Flink's serializer for the class; Kryo when the class alone does not determine one (raw tuples). */
    @SuppressWarnings("unchecked")
    private TypeSerializer<Object> serializerFor(Class<?> type) {
        try {
            return ((TypeInformation<Object>) TypeInformation.of(type)).createSerializer(config);
        } catch (RuntimeException e) {
            return new GenericTypeInfo<>((Class<Object>) type).createSerializer(config);
        }
    }
}
