package io.amorsize.spark;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amorsize's one {@link SparkListener} per SparkContext. It does nothing itself: it hands the
 * events to its {@link Observer}s, so that every part of Amorsize that learns from what the
 * application ran (the per-task overhead from task-end events; stage observations of tuned RDDs)
 * plugs in with one {@link #addObserver} call and no listener of its own.
 *
 * <p>{@link AmorsizePlugin}'s driver plugin adds it at application start, so that it sees every job
 * of the application; without the plugin {@link AmorsizeSpark} adds it on first use. An observer that
 * throws is logged at DEBUG and does not stop the others (the listener never fails Spark's bus).
 */
public final class AmorsizeListener extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(AmorsizeListener.class);
    private static final Map<SparkContext, AmorsizeListener> BY_CONTEXT = new WeakHashMap<>();

    /** What an observer of the application's events implements; every method defaults to nothing. */
    public interface Observer {
        default void onJobStart(SparkListenerJobStart event) {}

        default void onJobEnd(SparkListenerJobEnd event) {}

        default void onStageCompleted(SparkListenerStageCompleted event) {}

        default void onTaskEnd(SparkListenerTaskEnd event) {}
    }

    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    private final TaskOverheads overheads = new TaskOverheads();

    private AmorsizeListener() {
        observers.add(overheads);
    }

    /** The listener of {@code sc}, added to its bus on the first call for that context. */
    public static AmorsizeListener of(SparkContext sc) {
        Objects.requireNonNull(sc, "sc");
        synchronized (BY_CONTEXT) {
            AmorsizeListener l = BY_CONTEXT.get(sc);
            if (l == null) {
                l = new AmorsizeListener();
                sc.addSparkListener(l);
                BY_CONTEXT.put(sc, l);
                LOG.debug("amorsize: listening to the application's task events");
            }
            return l;
        }
    }

    /** Adds an observer; it sees the events posted from now on. */
    public void addObserver(Observer observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** The per-task overhead observer. */
    TaskOverheads overheads() {
        return overheads;
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
        for (Observer o : observers) {
            try {
                o.onJobStart(event);
            } catch (RuntimeException e) {
                LOG.debug("amorsize: observer {} failed on job start: {}", o, e.toString());
            }
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
        for (Observer o : observers) {
            try {
                o.onJobEnd(event);
            } catch (RuntimeException e) {
                LOG.debug("amorsize: observer {} failed on job end: {}", o, e.toString());
            }
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        for (Observer o : observers) {
            try {
                o.onStageCompleted(event);
            } catch (RuntimeException e) {
                LOG.debug("amorsize: observer {} failed on stage completion: {}", o, e.toString());
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        for (Observer o : observers) {
            try {
                o.onTaskEnd(event);
            } catch (RuntimeException e) {
                LOG.debug("amorsize: observer {} failed on task end: {}", o, e.toString());
            }
        }
    }
}
