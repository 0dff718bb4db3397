package io.amorsize.recommend;

import io.amorsize.Recommendation;
import io.amorsize.Source;
import io.amorsize.model.Prediction;
import java.util.List;

/**
 * Everything the optimizer considered for one decision: the chosen candidate, the current
 * partitioning, the ranked candidates, the batch reasoning and the explanation text.
 *
 * @param chosen         the winning candidate (KEEP of the current count when kept)
 * @param current        KEEP of the current partitioning
 * @param best           the candidate with the smallest predicted makespan (may differ from
 *                       {@code chosen} by the tie and do-no-harm rules)
 * @param ranked         every feasible candidate evaluated, fastest first
 * @param memoryFloor    fewest evenly filled partitions that fit in memory
 * @param batch          how the batch size was chosen
 * @param keptCurrent    true when do-no-harm kept the current partitioning over a faster candidate
 * @param fewerTasks     true when the rule "fewer tasks, same time" replaced the current
 *                       partitioning by fewer tasks predicted within the tie band of it
 * @param warnings       warnings for the recommendation
 * @param explanation    the multi-line explanation
 */
public record Decision(
        Prediction chosen,
        Prediction current,
        Prediction best,
        List<Prediction> ranked,
        long memoryFloor,
        BatchChoice batch,
        boolean keptCurrent,
        boolean fewerTasks,
        List<String> warnings,
        String explanation) {

    public Decision {
        ranked = List.copyOf(ranked);
        warnings = List.copyOf(warnings);
    }

    /** The {@link Source#COMPUTED} recommendation of this decision. */
    public Recommendation toRecommendation() {
        return new Recommendation(
                chosen.partitions(),
                chosen.batchSize(),
                chosen.action(),
                current.partitions(),
                chosen.makespanNanos(),
                current.makespanNanos(),
                warnings,
                Source.COMPUTED,
                explanation);
    }
}
