package dev.detopt.service.read;

import dev.detopt.service.accounting.StudyAccountant;
import dev.detopt.service.accounting.StudyAccounting;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.queue.AttemptRepository;
import dev.detopt.service.study.StudyRepository;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** How a study is being run: its accounting, and each task's attempts (who ran it, how it ended, why). */
@Service
public class OperationsReader {
    private final StudyRepository studies;
    private final AttemptRepository attempts;
    private final StudyAccountant accountant;

    public OperationsReader(StudyRepository studies, AttemptRepository attempts, StudyAccountant accountant) {
        this.studies = studies;
        this.attempts = attempts;
        this.accountant = accountant;
    }

    /** The study's CPU time, losses, incidents and estimated cost; 404 when there is no such study. */
    public AccountingView accounting(UUID id) {
        studies.find(id).orElseThrow(() -> NotFoundException.study(id));
        return new AccountingView(id, accountant.of(id), attempts.lastFailure(id).orElse(null));
    }

    /** A task's attempts, oldest first; 404 when the study or the task (of that study) does not exist. */
    public AttemptsView attempts(UUID id, long taskId) {
        studies.find(id).orElseThrow(() -> NotFoundException.study(id));
        UUID owner = attempts.studyOf(taskId).orElse(null);
        if (!id.equals(owner)) {
            throw NotFoundException.task(taskId);
        }
        return new AttemptsView(id, taskId, attempts.ofTask(taskId));
    }

    /**
     * {@code GET /studies/{id}/accounting}.
     *
     * @param lastFailure the newest attempt that failed, expired or whose worker was lost (null: none)
     */
    public record AccountingView(UUID studyId, StudyAccounting accounting, AttemptRepository.AttemptRow lastFailure) {
    }

    /** {@code GET /studies/{id}/tasks/{taskId}/attempts}. */
    public record AttemptsView(UUID studyId, long taskId, List<AttemptRepository.AttemptRow> attempts) {
    }
}
