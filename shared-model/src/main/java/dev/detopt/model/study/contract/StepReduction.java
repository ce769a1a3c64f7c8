package dev.detopt.model.study.contract;

import dev.detopt.model.stats.SampleAccumulator;

import java.util.List;

/**
 * Reduces a step's batch results in batch-index order. The sums are exact, so the aggregate is
 * bit-identical for any scheduling; fixing the order anyway keeps the definition independent of
 * that property.
 */
public final class StepReduction {
    private StepReduction() {
    }

    /** @param resultsInBatchOrder result i must have batchIndex i */
    public static SampleAccumulator reduce(List<BatchResult> resultsInBatchOrder) {
        if (resultsInBatchOrder.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one batch result");
        }
        SampleAccumulator total = null;
        for (int i = 0; i < resultsInBatchOrder.size(); i++) {
            BatchResult result = resultsInBatchOrder.get(i);
            if (result.batchIndex() != i) {
                throw new IllegalArgumentException("result at position " + i + " is batch " + result.batchIndex()
                        + "; results must be in batch-index order");
            }
            SampleAccumulator batch = SampleAccumulator.restore(result.statistics());
            if (total == null) {
                total = batch;
            } else {
                total.merge(batch);
            }
        }
        return total;
    }
}
