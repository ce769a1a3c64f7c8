package dev.detopt.service.launcher;

import dev.detopt.model.study.contract.protocol.QueueCounts;
import dev.detopt.service.queue.TaskRepository;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The task table as the launchers' {@link WorkerDemand}: the same counts as {@code GET /api/v1/workers/queue},
 * and who holds the leases ({@link TaskRepository#busyWorkers()}, asked only when something is leased).
 */
@Configuration(proxyBeanMethods = false)
public class TaskTableDemand {

    @Bean
    WorkerDemand workerDemand(TaskRepository tasks) {
        return () -> {
            QueueCounts counts = tasks.queuedAndLeased();
            Set<String> busy = counts.leased() == 0 ? Set.of() : tasks.busyWorkers();
            return new WorkerDemand.Demand(counts.queued(), counts.leased(), busy);
        };
    }
}
