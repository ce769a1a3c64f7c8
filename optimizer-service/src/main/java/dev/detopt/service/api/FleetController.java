package dev.detopt.service.api;

import dev.detopt.service.queue.WorkerRow;
import dev.detopt.service.read.Page;
import dev.detopt.service.read.StudyReader;
import dev.detopt.service.read.StudyViews.QueueView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read-only view of the workers and the queue for the dashboard (viewers; not the worker API). */
@RestController
@RequestMapping("/api/v1/fleet")
public class FleetController {
    private final StudyReader reader;

    public FleetController(StudyReader reader) {
        this.reader = reader;
    }

    @GetMapping("/workers")
    public Page<WorkerRow> workers(@RequestParam(defaultValue = "0") int page,
                                                    @RequestParam(defaultValue = "100") int size) {
        StudyController.checkPage(page, size);
        return reader.workers(page, size);
    }

    @GetMapping("/queue")
    public QueueView queue() {
        return reader.queue();
    }
}
