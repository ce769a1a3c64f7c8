package dev.detopt.service.accounting;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sums behind {@link StudyAccounting}: CPU by node from {@code task_attempts}, incidents from {@code tasks}. */
@Repository
public class AccountingRepository {
    private final JdbcClient jdbc;

    public AccountingRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** CPU seconds (all, lost) of the studies' attempts, by the node they ran on. */
    public record NodeCpu(String node, double cpuSeconds, double cpuSecondsLost) {
    }

    /** Preemptions, lease expiries and failures of the studies' tasks. */
    public record Incidents(long preemptions, long leaseExpiries, long failures) {
    }

    public List<NodeCpu> cpuByNode(Collection<UUID> studies) {
        if (studies.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(jdbc.sql("""
                        SELECT node, sum(cpu_seconds) AS cpu, sum(cpu_seconds_lost) AS lost
                        FROM task_attempts WHERE study_id = ANY(?) GROUP BY node""")
                .param(studies.toArray(UUID[]::new))
                .query((rs, row) -> new NodeCpu(rs.getString("node"), rs.getDouble("cpu"), rs.getDouble("lost")))
                .list());
    }

    public Incidents incidents(Collection<UUID> studies) {
        if (studies.isEmpty()) {
            return new Incidents(0, 0, 0);
        }
        return jdbc.sql("""
                        SELECT coalesce(sum(preemptions), 0) AS preemptions, coalesce(sum(expiries), 0) AS expiries,
                            coalesce(sum(failures), 0) AS failures
                        FROM tasks WHERE study_id = ANY(?)""")
                .param(studies.toArray(UUID[]::new))
                .query((rs, row) -> new Incidents(rs.getLong("preemptions"), rs.getLong("expiries"), rs.getLong("failures")))
                .single();
    }

    /** CPU seconds of the study's attempts so far (for a core-hour limit). */
    public double cpuSeconds(UUID study) {
        return jdbc.sql("SELECT coalesce(sum(cpu_seconds), 0) FROM task_attempts WHERE study_id = ?")
                .param(study).query(Double.class).single();
    }
}
