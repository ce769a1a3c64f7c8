package dev.detopt.model.study.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.detopt.model.stats.AccumulatorState;

import java.util.Objects;

/**
 * The answer to a {@link BatchTask} (wire contract version 1): exact sufficient statistics of the
 * batch's events. Only {@code statistics} enter the optimization; wall time and worker id are for
 * monitoring.
 *
 * @param version        contract version, {@value BatchTask#VERSION}
 * @param studyId        as in the task
 * @param step           as in the task
 * @param batchIndex     as in the task
 * @param eventFrom      as in the task
 * @param eventTo        as in the task
 * @param statistics     exact sums of y, y², g, g² (and score sums) over the events
 * @param events         events simulated (= eventTo − eventFrom)
 * @param wallTimeMillis wall time of the (last) execution that finished the batch
 * @param workerId       who ran it
 */
@JsonPropertyOrder({"version", "studyId", "step", "batchIndex", "eventFrom", "eventTo", "statistics", "events",
        "wallTimeMillis", "workerId"})
public record BatchResult(int version, String studyId, int step, int batchIndex, long eventFrom, long eventTo,
                          AccumulatorState statistics, long events, long wallTimeMillis, String workerId) {
    public BatchResult {
        if (version != BatchTask.VERSION) {
            throw new IllegalArgumentException("batch result version " + version + " is not supported (this build speaks "
                    + BatchTask.VERSION + ")");
        }
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(statistics, "statistics");
        if (events != eventTo - eventFrom || statistics.events() != events) {
            throw new IllegalArgumentException("batch result claims " + events + " events for range [" + eventFrom + ", "
                    + eventTo + ") with statistics of " + statistics.events());
        }
    }

    /** Study, step, batch index and event range this result claims to cover. */
    public BatchCoordinates coordinates() {
        return new BatchCoordinates(studyId, step, batchIndex, eventFrom, eventTo);
    }

    /** True when this result answers exactly the task with these coordinates: the one rule service and workers apply. */
    public boolean answers(BatchCoordinates task) {
        return coordinates().matches(task);
    }

    /** True when this result answers exactly that task. */
    public boolean answers(BatchTask task) {
        return answers(task.coordinates());
    }
}
