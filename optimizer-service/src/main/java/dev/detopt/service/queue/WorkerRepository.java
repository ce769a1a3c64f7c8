package dev.detopt.service.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/** SQL of the {@code workers} table. */
@Repository
public class WorkerRepository {

    /** Liveness is written at most this often per worker (every lease would otherwise be a write). */
    private static final long SEEN_INTERVAL_NANOS = 5_000_000_000L;

    private final JdbcClient jdbc;
    private final Map<String, Long> lastSeenWrite = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> completions = new ConcurrentHashMap<>();

    public WorkerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Counts a completion in memory; {@link #flushCompletions()} adds them to the rows. */
    public void completed(String id) {
        completions.computeIfAbsent(id, key -> new LongAdder()).increment();
    }

    /** Writes the completions counted since the last flush (monitoring only: a crash may lose a few seconds' worth). */
    @Scheduled(fixedDelayString = "${detopt.metrics.refresh-interval:5s}", initialDelay = 2_000)
    public void flushCompletions() {
        for (Map.Entry<String, LongAdder> entry : completions.entrySet()) {
            long count = entry.getValue().sumThenReset();
            if (count > 0) {
                try {
                    jdbc.sql("UPDATE workers SET completions = completions + ? WHERE id = ?").params(count, entry.getKey()).update();
                } catch (RuntimeException e) {
                    entry.getValue().add(count);
                    return;
                }
            }
        }
        if (completions.size() > 100_000) {
            completions.clear();
        }
    }

    /** Inserts or updates the worker; re-registering a known id counts as a restart. */
    public void register(String id, String host, String pod, String node, Integer threads) {
        jdbc.sql("""
                        INSERT INTO workers (id, host, pod, node, threads) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET host = excluded.host, pod = excluded.pod, node = excluded.node,
                            threads = excluded.threads, started_at = now(), last_seen_at = now(),
                            restarts = workers.restarts + 1, stopping = false""")
                .params(id, host, pod, node, threads).update();
    }

    /** Marks the worker alive (throttled); a worker that never registered is recorded with what is known. */
    public void seen(String id) {
        long now = System.nanoTime();
        Long last = lastSeenWrite.get(id);
        if (last != null && now - last < SEEN_INTERVAL_NANOS) {
            return;
        }
        if (lastSeenWrite.size() > 100_000) {
            lastSeenWrite.clear();
        }
        lastSeenWrite.put(id, now);
        jdbc.sql("INSERT INTO workers (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET last_seen_at = now()")
                .param(id).update();
    }

    /**
     * Marks the worker as stopping: lease requests for it, on any replica, take no tasks until it
     * registers again. Waits for lease statements of this worker in flight (they hold the row in
     * share mode), so every lease granted before is committed when this returns.
     */
    public void markStopping(String id) {
        jdbc.sql("INSERT INTO workers (id, stopping) VALUES (?, true) ON CONFLICT (id) DO UPDATE SET stopping = true")
                .param(id).update();
    }

    public void addPreemption(String id) {
        jdbc.sql("UPDATE workers SET preemptions = preemptions + 1 WHERE id = ?").param(id).update();
    }

    public void addPreemptions(String id, int count) {
        jdbc.sql("UPDATE workers SET preemptions = preemptions + ? WHERE id = ?").param(count).param(id).update();
    }

    public void addLeaseExpiries(String id, int count) {
        jdbc.sql("UPDATE workers SET lease_expiries = lease_expiries + ? WHERE id = ?").param(count).param(id).update();
    }

    public void addFailure(String id) {
        jdbc.sql("UPDATE workers SET failures = failures + 1 WHERE id = ?").param(id).update();
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
