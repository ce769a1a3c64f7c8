package dev.detopt.service.api;

import dev.detopt.service.loop.TaskRepository;
import dev.detopt.service.loop.TaskState;
import dev.detopt.service.loop.WorkerRepository;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of the workers and the queue for the dashboard (viewers; not the worker API). */
@RestController
@RequestMapping("/api/v1/fleet")
public class FleetController {
    private final WorkerRepository workers;
    private final TaskRepository tasks;

    public FleetController(WorkerRepository workers, TaskRepository tasks) {
        this.workers = workers;
        this.tasks = tasks;
    }

    public record QueueView(long queued, long leased, Map<TaskState, Long> tasksByState) {
    }

    @GetMapping("/workers")
    public StudyController.Page<WorkerRepository.WorkerRow> workers(@RequestParam(defaultValue = "0") int page,
                                                                     @RequestParam(defaultValue = "100") int size) {
        StudyController.checkPage(page, size);
        List<WorkerRepository.WorkerRow> items = workers.list(size, (long) page * size);
        return new StudyController.Page<>(items, page, size, workers.count());
    }

    @GetMapping("/queue")
    public QueueView queue() {
        var counts = tasks.queuedAndLeased();
        return new QueueView(counts.queued(), counts.leased(), tasks.countsByStateAll());
    }
}
