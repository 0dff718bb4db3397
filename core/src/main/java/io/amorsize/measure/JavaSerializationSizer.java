package io.amorsize.measure;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/** {@link Sizer} by Java serialization into a counting stream (nothing is buffered). */
final class JavaSerializationSizer implements Sizer {

    static final JavaSerializationSizer INSTANCE = new JavaSerializationSizer();

    /** Magic number and version written by every ObjectOutputStream. */
    private static final int STREAM_HEADER_BYTES = 4;

    private JavaSerializationSizer() {}

    @Override
    public long sizeOf(Object record) {
        if (record == null) {
            return 0;
        }
        CountingStream counter = new CountingStream();
        try (ObjectOutputStream out = new ObjectOutputStream(counter)) {
            out.writeObject(record);
            out.flush();
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return -1;
        }
        return Math.max(0, counter.count - STREAM_HEADER_BYTES);
    }

    @Override
    public String toString() {
        return "JavaSerializationSizer";
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
