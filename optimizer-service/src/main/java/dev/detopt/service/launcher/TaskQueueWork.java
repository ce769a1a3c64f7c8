package dev.detopt.service.launcher;

import dev.detopt.service.loop.TaskRepository;
import java.util.HashSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The task table as the launchers' {@link WorkQueue}: the same counts as {@code GET /api/v1/workers/queue},
 * and who holds the leases. A worker registers with its pod name (downward API), so the workers
 * table maps lease owners to pods; a worker that never registered a pod is known by its id.
 */
@Configuration(proxyBeanMethods = false)
public class TaskQueueWork {
    /** Uses the partial index on LEASED tasks' owners: one row per lease, once per reconcile interval. */
    static final String BUSY_WORKERS_SQL = """
            SELECT DISTINCT coalesce(nullif(w.pod, ''), t.lease_owner) AS worker
            FROM tasks t LEFT JOIN workers w ON w.id = t.lease_owner
            WHERE t.state = 'LEASED' AND t.lease_owner IS NOT NULL""";

    @Bean
    WorkQueue workQueue(TaskRepository tasks, JdbcClient jdbc) {
        return () -> {
            var counts = tasks.queuedAndLeased();
            Set<String> busy = counts.leased() == 0 ? Set.of()
                    : new HashSet<>(jdbc.sql(BUSY_WORKERS_SQL).query(String.class).list());
            return new WorkQueue.Counts(counts.queued(), counts.leased(), busy);
        };
    }
}
