package io.amorsize.measure;

/** Keeps results alive so the JIT cannot drop the work; stores one result in 1024. */
final class Sink {
    private Object kept;
    private int tick;

    void consume(Object o) {
        if ((++tick & 1023) == 0) {
            kept = o;
        }
    }

    @Override
    public String toString() {
        return "Sink{" + (kept == null ? "" : "kept") + "}";
    }
}
