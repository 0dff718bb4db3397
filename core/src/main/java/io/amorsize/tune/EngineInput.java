package io.amorsize.tune;

import io.amorsize.Recommendation;
import io.amorsize.key.InputShape;
import io.amorsize.model.Workload;
import java.util.List;
import java.util.Objects;

/**
 * What an engine knows about the input before any job runs ({@link EngineAdapter#describeInput}).
 *
 * @param shape         the cache key's input part; its partitions are the engine's current ones
 * @param knownWorkload the workload when known without a job, or null
 * @param notes         lines for the explanation (how the input was described)
 * @param skip          non-null when there is nothing to tune (e.g. an empty input): the decision
 */
public record EngineInput(InputShape shape, Workload knownWorkload, List<String> notes, Recommendation skip) {

    public EngineInput {
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
        if (skip == null) {
            Objects.requireNonNull(shape, "shape");
        }
    }

    /** An input to tune. */
    public static EngineInput of(InputShape shape, Workload knownWorkload, List<String> notes) {
        return new EngineInput(shape, knownWorkload, notes, null);
    }

    /** Nothing to tune: {@code decision} is returned as is (the adapter logs why). */
    public static EngineInput nothingToTune(Recommendation decision) {
        return new EngineInput(null, null, List.of(), Objects.requireNonNull(decision, "decision"));
    }
}
