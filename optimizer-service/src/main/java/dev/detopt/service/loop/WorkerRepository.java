package dev.detopt.service.loop;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the {@code workers} table. */
@Repository
public class WorkerRepository {

    public record WorkerRow(String id, String host, String pod, String node, Integer threads, Instant registeredAt,
                            Instant startedAt, Instant lastSeenAt, int restarts, int preemptions, int leaseExpiries,
                            int failures, long completions, long leases) {
    }

    private final JdbcClient jdbc;

    public WorkerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts or updates the worker; re-registering a known id counts as a restart. */
    public void register(String id, String host, String pod, String node, Integer threads) {
        jdbc.sql("""
                        INSERT INTO workers (id, host, pod, node, threads) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET host = excluded.host, pod = excluded.pod, node = excluded.node,
                            threads = excluded.threads, started_at = now(), last_seen_at = now(),
                            restarts = workers.restarts + 1""")
                .params(id, host, pod, node, threads).update();
    }

    /** Marks the worker alive; a worker that never registered is recorded with what is known. */
    public void seen(String id) {
        if (jdbc.sql("UPDATE workers SET last_seen_at = now() WHERE id = ?").param(id).update() == 0) {
            jdbc.sql("INSERT INTO workers (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET last_seen_at = now()")
                    .param(id).update();
        }
    }

    public void count(String id, String column, int delta) {
        if (id == null) {
            return;
        }
        String sql = switch (column) {
            case "preemptions" -> "UPDATE workers SET preemptions = preemptions + ? WHERE id = ?";
            case "lease_expiries" -> "UPDATE workers SET lease_expiries = lease_expiries + ? WHERE id = ?";
            case "failures" -> "UPDATE workers SET failures = failures + ? WHERE id = ?";
            case "completions" -> "UPDATE workers SET completions = completions + ?, last_seen_at = now() WHERE id = ?";
            default -> throw new IllegalArgumentException(column);
        };
        jdbc.sql(sql).params(delta, id).update();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM workers").query(Long.class).single();
    }

    public List<WorkerRow> list(int limit, long offset) {
        return jdbc.sql("""
                        SELECT w.*, (SELECT count(*) FROM tasks t WHERE t.state = 'LEASED' AND t.lease_owner = w.id) AS leases
                        FROM workers w ORDER BY w.last_seen_at DESC, w.id LIMIT ? OFFSET ?""")
                .params(limit, offset)
                .query((rs, row) -> new WorkerRow(rs.getString("id"), rs.getString("host"), rs.getString("pod"),
                        rs.getString("node"), (Integer) rs.getObject("threads"),
                        TaskRepository.instant(rs, "registered_at"), TaskRepository.instant(rs, "started_at"),
                        TaskRepository.instant(rs, "last_seen_at"), rs.getInt("restarts"), rs.getInt("preemptions"),
                        rs.getInt("lease_expiries"), rs.getInt("failures"), rs.getLong("completions"),
                        rs.getLong("leases")))
                .list();
    }
}
