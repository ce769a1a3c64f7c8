package dev.detopt.service.api;

import dev.detopt.service.read.OperationsReader;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** How a study runs: its accounting and each task's attempts (role viewer and up). */
@RestController
@RequestMapping("/api/v1/studies/{id}")
public class StudyOperationsController {
    private final OperationsReader reader;

    public StudyOperationsController(OperationsReader reader) {
        this.reader = reader;
    }

    @GetMapping("/accounting")
    public OperationsReader.AccountingView accounting(@PathVariable UUID id) {
        return reader.accounting(id);
    }

    @GetMapping("/tasks/{taskId}/attempts")
    public OperationsReader.AttemptsView attempts(@PathVariable UUID id, @PathVariable long taskId) {
        return reader.attempts(id, taskId);
    }
}
