package io.amorsize.spark;

import java.util.Objects;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * TEMPORARY (feedback branch): forwards Spark's listener events to the {@link TunedStageObserver}.
 * When merged with the cold-path branch, AmorsizeListener dispatches these three events to the
 * observer instead and this class goes (the registration is the one line in
 * {@link TunedStageObserver#of}).
 */
final class FeedbackListener extends SparkListener {

    private final TunedStageObserver observer;

    FeedbackListener(TunedStageObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        observer.onStageSubmitted(event);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        observer.onTaskEnd(event);
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        observer.onStageCompleted(event);
    }
}
