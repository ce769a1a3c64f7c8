package dev.detopt.model.study.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.stats.SampleAccumulator;

import java.util.Objects;

/**
 * A partly simulated batch: statistics of events [eventFrom, nextEvent). Resuming from it gives a
 * result bit-identical to an uninterrupted run.
 */
@JsonPropertyOrder({"version", "studyId", "step", "batchIndex", "eventFrom", "eventTo", "nextEvent", "statistics"})
public record BatchCheckpoint(int version, String studyId, int step, int batchIndex, long eventFrom, long eventTo,
                              long nextEvent, AccumulatorState statistics) {
    public BatchCheckpoint {
        if (version != BatchTask.VERSION) {
            throw new IllegalArgumentException("checkpoint version " + version + " is not supported");
        }
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(statistics, "statistics");
        if (nextEvent < eventFrom || nextEvent > eventTo || statistics.events() != nextEvent - eventFrom) {
            throw new IllegalArgumentException("checkpoint at event " + nextEvent + " of [" + eventFrom + ", " + eventTo
                    + ") holds " + statistics.events() + " events");
        }
    }

    public static BatchCheckpoint of(BatchTask task, BatchRunner.Progress progress) {
        return new BatchCheckpoint(BatchTask.VERSION, task.studyId(), task.step(), task.batchIndex(), task.eventFrom(),
                task.eventTo(), progress.nextEvent(), progress.statistics().state());
    }

    public BatchCoordinates coordinates() {
        return new BatchCoordinates(studyId, step, batchIndex, eventFrom, eventTo);
    }

    public boolean belongsTo(BatchTask task) {
        return coordinates().matches(task.coordinates());
    }

    /** A fresh, mutable progress to resume from. */
    public BatchRunner.Progress progress() {
        return new BatchRunner.Progress(nextEvent, SampleAccumulator.restore(statistics));
    }
}
