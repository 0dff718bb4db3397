package io.amorsize.measure;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * Time the calling thread has spent runnable but waiting for a CPU, from Linux
 * {@code /proc/thread-self/schedstat}. Subtracting it from a wall-time measurement removes the
 * time other processes held the CPU, so that a function measured on a crowded machine (a busy
 * driver, a shared executor, a CI box) is not charged for it. I/O and sleep are not run-queue time
 * and stay in the measurement.
 *
 * <p>Bound to the thread that opened it (the file is opened through {@code thread-self}); reads
 * allocate nothing. Unavailable (every read returns -1) off Linux or without schedstat.
 */
final class RunQueueClock implements AutoCloseable {

    private static final String PATH = "/proc/thread-self/schedstat";

    private RandomAccessFile file;
    private final byte[] buffer = new byte[128];

    private RunQueueClock(RandomAccessFile file) {
        this.file = file;
    }

    /** Opens the calling thread's schedstat, or returns an unavailable clock. */
    static RunQueueClock open() {
        RandomAccessFile f = null;
        try {
            f = new RandomAccessFile(PATH, "r");
        } catch (IOException | RuntimeException e) {
            f = null;
        }
        RunQueueClock clock = new RunQueueClock(f);
        if (clock.waitNanos() < 0) {
            clock.close();
        }
        return clock;
    }

    boolean available() {
        return file != null;
    }

    /** Run-queue wait of the opening thread so far in nanoseconds; -1 when unavailable. */
    long waitNanos() {
        if (file == null) {
            return -1;
        }
        try {
            file.seek(0);
            int n = file.read(buffer);
            // "<on-cpu ns> <run-queue wait ns> <timeslices>"
            int i = 0;
            while (i < n && buffer[i] != ' ') {
                i++;
            }
            while (i < n && buffer[i] == ' ') {
                i++;
            }
            long v = 0;
            int digits = 0;
            while (i < n && buffer[i] >= '0' && buffer[i] <= '9') {
                v = v * 10 + (buffer[i] - '0');
                i++;
                digits++;
            }
            if (digits == 0) {
                close();
                return -1;
            }
            return v;
        } catch (IOException | RuntimeException e) {
            close();
            return -1;
        }
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // nothing to do
            }
            file = null;
        }
    }
}
