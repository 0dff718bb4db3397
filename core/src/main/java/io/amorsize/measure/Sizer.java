package io.amorsize.measure;

/**
 * Serialized size of one record, as the engine would ship it. Pluggable so that an engine adapter
 * can size records with the engine's own serializer (Kryo, Flink's TypeSerializer); the default is
 * Java serialization ({@link #javaSerialization()}).
 *
 * <p>Implementations must not throw: a record they cannot size yields {@code -1}.
 */
@FunctionalInterface
public interface Sizer {

    /**
     * Bytes {@code record} takes when serialized; {@code 0} for {@code null}; {@code -1} when this
     * sizer cannot serialize it (e.g. not {@link java.io.Serializable}).
     */
    long sizeOf(Object record);

    /**
     * Java serialization: the bytes {@link java.io.ObjectOutputStream} writes for the record alone
     * (class descriptor included, stream header excluded); {@code -1} when the record is not
     * serializable.
     */
    static Sizer javaSerialization() {
        return JavaSerializationSizer.INSTANCE;
    }
}
