package dev.detopt.service.launcher;

import dev.detopt.service.loop.TaskRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The task table as the launchers' {@link WorkQueue}: the same counts as {@code GET /api/v1/workers/queue}. */
@Configuration(proxyBeanMethods = false)
public class TaskQueueWork {

    @Bean
    WorkQueue workQueue(TaskRepository tasks) {
        return () -> {
            long[] counts = tasks.queuedAndLeased();
            return new WorkQueue.Counts(counts[0], counts[1]);
        };
    }
}
