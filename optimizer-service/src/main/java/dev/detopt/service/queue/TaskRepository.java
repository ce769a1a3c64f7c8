package dev.detopt.service.queue;

import dev.detopt.model.study.contract.BatchCoordinates;
import dev.detopt.model.study.contract.protocol.QueueCounts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of the {@code tasks} table: enqueue, lease ({@code FOR UPDATE SKIP LOCKED}), requeue, complete. */
@Repository
public class TaskRepository {
    private static final String COLUMNS = "id, study_id, step, batch_index, event_from, event_to, state, attempt,"
            + " lease_owner, lease_token, lease_expires_at, (lease_expires_at <= now()) AS lease_expired, checkpoint_key,"
            + " completed_token, step_completed, failures, preemptions, expiries";

    private static final RowMapper<TaskRow> MAPPER = TaskRepository::map;

    /** A queued task of a running study: what a lease may take (task alias {@code t}). */
    static final String LEASABLE = "t.state = 'QUEUED' AND EXISTS (SELECT 1 FROM studies s WHERE s.id = t.study_id"
            + " AND s.status = 'RUNNING')";

    /**
     * Where a task goes when its lease ends early (released, failed, expired): back to the queue
     * while its study can still use it, else cancelled (study alias {@code s}). Never HELD, even if
     * the study is paused: leasing checks the status anyway.
     */
    static final String REQUEUE_TARGET = "CASE WHEN s.status IN ('RUNNING', 'PAUSED') THEN 'QUEUED' ELSE 'CANCELLED' END";

    /** What the end of a lease clears (SET columns of {@code tasks}). */
    static final String LEASE_CLEARED = "lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, queued_at = now()";

    /**
     * The lease named by {@code token} (an SQL expression) is the task's current one: LEASED under
     * that token and not yet run out (task alias {@code t}). {@link TaskRow#holds} is the same rule
     * for a row already read.
     */
    static String currentLease(String token) {
        return "t.state = 'LEASED' AND t.lease_token = " + token + " AND t.lease_expires_at > now()";
    }

    /** A task to insert: batch position, event range and the wire task JSON. */
    public record NewTask(int batchIndex, long eventFrom, long eventTo, String taskJson) {
    }

    /** A lease taken back by the sweeper. */
    public record Expired(long taskId, UUID studyId, int step, int batchIndex, String worker, int attempt) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    public TaskRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public void insert(UUID studyId, int step, TaskState state, List<NewTask> tasks) {
        template.batchUpdate("INSERT INTO tasks (study_id, step, batch_index, event_from, event_to, task, state)"
                        + " VALUES (?, ?, ?, ?, ?, ?::json, ?)", tasks, 500,
                (ps, task) -> {
                    ps.setObject(1, studyId);
                    ps.setInt(2, step);
                    ps.setInt(3, task.batchIndex());
                    ps.setLong(4, task.eventFrom());
                    ps.setLong(5, task.eventTo());
                    ps.setString(6, task.taskJson());
                    ps.setString(7, state.name());
                });
    }

    /**
     * Leases up to {@code max} queued tasks of running studies in queue (id) order, skipping rows
     * other transactions hold, so concurrent requests on any replica never get the same task.
     * Nothing for a worker marked stopping: its row is read in share mode, so a concurrent
     * {@link WorkerRepository#markStopping} either waits for this statement (and the release that
     * follows it sees these leases) or is seen by it.
     */
    public List<Lease> lease(String worker, int max, int leaseSeconds) {
        return lease(worker, max, leaseSeconds, SimulatorScope.ALL);
    }

    /** {@link #lease(String, int, int)} limited to the tasks of the simulators in {@code scope}. */
    public List<Lease> lease(String worker, int max, int leaseSeconds, SimulatorScope scope) {
        String[] simulators = scope.parameter();
        Object[] params = simulators == null ? new Object[] {worker, max, worker, leaseSeconds}
                : new Object[] {worker, simulators, max, worker, leaseSeconds};
        List<Lease> leases = new ArrayList<>(jdbc.sql("""
                        WITH me AS (SELECT w.stopping FROM workers w WHERE w.id = ? FOR SHARE),
                        picked AS (
                            SELECT t.id FROM tasks t
                            WHERE NOT EXISTS (SELECT 1 FROM me WHERE me.stopping)
                              AND\s""" + LEASABLE + scope.predicate() + """

                            ORDER BY t.id
                            LIMIT ?
                            FOR UPDATE OF t SKIP LOCKED),
                        leased AS (
                            UPDATE tasks t SET state = 'LEASED', attempt = t.attempt + 1, lease_owner = ?,
                                lease_token = gen_random_uuid(), lease_expires_at = now() + make_interval(secs => ?),
                                leased_at = now(), events_done = 0
                            FROM picked WHERE t.id = picked.id
                            RETURNING t.id, t.study_id, t.step, t.batch_index, t.lease_token, t.lease_expires_at, t.attempt,
                                t.checkpoint_key, t.checkpoint_next_event, t.lease_owner, t.task::text AS task),
                        recorded AS (
                            INSERT INTO task_attempts (task_id, attempt, study_id, worker, pod, node, resumed_from_event)
                            SELECT l.id, l.attempt, l.study_id, l.lease_owner, w.pod, w.node, l.checkpoint_next_event
                            FROM leased l LEFT JOIN workers w ON w.id = l.lease_owner
                            ON CONFLICT (task_id, attempt) DO NOTHING)
                        SELECT * FROM leased""")
                .params(params)
                .query((rs, row) -> new Lease(rs.getLong("id"), rs.getObject("study_id", UUID.class), rs.getInt("step"),
                        rs.getInt("batch_index"), rs.getObject("lease_token", UUID.class),
                        instant(rs, "lease_expires_at"), rs.getInt("attempt"), rs.getString("checkpoint_key"),
                        rs.getString("task")))
                .list());
        leases.sort((a, b) -> Long.compare(a.taskId(), b.taskId()));
        return leases;
    }

    /** Leasable tasks (queued, study running), counted up to {@code limit}. */
    public int leasable(int limit) {
        return jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM tasks t WHERE " + LEASABLE + " LIMIT ?) AS leasable")
                .param(limit).query(Integer.class).single();
    }

    public Optional<UUID> studyOf(long taskId) {
        return jdbc.sql("SELECT study_id FROM tasks WHERE id = ?").param(taskId).query(UUID.class).optional();
    }

    public Optional<TaskRow> lock(long taskId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = ? FOR UPDATE").param(taskId).query(MAPPER).optional();
    }

    /** One result to store: the task, the lease token it claims, the result JSON. */
    public record ResultRow(long taskId, UUID token, String resultJson) {
    }

    /** A stored result: its task's step, and how many tasks of that step are still unfinished after it. */
    public record Stored(int step, long unfinished) {
    }

    /**
     * The coordinates (study, step, batch, event range) of the given tasks, by task id; unknown
     * ids are absent. Coordinates never change after insertion, so they are read without locks.
     */
    public Map<Long, BatchCoordinates> coordinates(java.util.Collection<Long> taskIds) {
        Map<Long, BatchCoordinates> coordinates = new java.util.HashMap<>();
        jdbc.sql("SELECT id, study_id, step, batch_index, event_from, event_to FROM tasks WHERE id = ANY(?)")
                .param(taskIds.toArray(Long[]::new))
                .query((RowCallbackHandler) rs -> coordinates.put(rs.getLong("id"), new BatchCoordinates(
                        rs.getObject("study_id", UUID.class).toString(), rs.getInt("step"), rs.getInt("batch_index"),
                        rs.getLong("event_from"), rs.getLong("event_to"))));
        return coordinates;
    }

    /**
     * Stores each result whose token holds the current, unexpired lease of its task, in one
     * statement (the caller has checked that each result answers its task); returns task id → step
     * and the step's unfinished tasks for the results stored (the others are refused and left
     * unchanged). The count is exact only because the caller holds the lock of every study
     * concerned: nothing else completes tasks of these steps meanwhile. Rows are updated in
     * task-id order, so concurrent callers lock task rows in one order.
     */
    public Map<Long, Stored> completeAllIfCurrent(List<ResultRow> rows, String worker) {
        if (rows.isEmpty()) {
            return Map.of();
        }
        List<ResultRow> ordered = new ArrayList<>(rows);
        ordered.sort((a, b) -> Long.compare(a.taskId(), b.taskId()));
        StringBuilder sql = new StringBuilder("""
                WITH done AS (
                    UPDATE tasks t SET state = 'COMPLETED', result = v.result::json, completed_token = v.token,
                        completed_by = ?, completed_at = now(), lease_expires_at = NULL,
                        events_done = t.event_to - t.event_from
                    FROM (VALUES """);
        List<Object> params = new ArrayList<>(1 + 3 * ordered.size());
        params.add(worker);
        for (int i = 0; i < ordered.size(); i++) {
            ResultRow row = ordered.get(i);
            sql.append(i == 0 ? "" : ", ").append("(?::bigint, ?::uuid, ?::text)");
            params.add(row.taskId());
            params.add(row.token());
            params.add(row.resultJson());
        }
        // The count reads the table as it was before this statement (a WITH query's changes are not
        // visible to the rest of the statement): unfinished before, minus those completed here.
        sql.append("""
                    ) AS v(id, token, result)
                    WHERE t.id = v.id AND\s""" + currentLease("v.token") + """
                    RETURNING t.id, t.study_id, t.step)
                SELECT d.id, d.step,
                    (SELECT count(*) FROM tasks u WHERE u.study_id = d.study_id AND u.step = d.step AND u.state <> 'COMPLETED')
                    - (SELECT count(*) FROM done e WHERE e.study_id = d.study_id AND e.step = d.step) AS unfinished
                FROM done d""");
        Map<Long, Stored> stored = new java.util.HashMap<>();
        jdbc.sql(sql.toString()).params(params)
                .query((RowCallbackHandler) rs -> stored.put(rs.getLong("id"), new Stored(rs.getInt("step"), rs.getLong("unfinished"))));
        return stored;
    }

    /** Every current lease of a worker (for a release of everything it holds), in task-id order. */
    public List<TaskRow> leasedBy(String worker) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE state = 'LEASED' AND lease_owner = ? ORDER BY id")
                .param(worker).query(MAPPER).list();
    }

    public void setStepCompleted(long taskId, boolean stepCompleted) {
        jdbc.sql("UPDATE tasks SET step_completed = ? WHERE id = ?").params(stepCompleted, taskId).update();
    }

    public long unfinished(UUID studyId, int step) {
        return jdbc.sql("SELECT count(*) FROM tasks WHERE study_id = ? AND step = ? AND state <> 'COMPLETED'")
                .params(studyId, step).query(Long.class).single();
    }

    /** Results of the step by batch index, leaving out the batches in {@code except}. */
    public Map<Integer, String> results(UUID studyId, int step, java.util.Collection<Integer> except) {
        Map<Integer, String> results = new java.util.HashMap<>();
        jdbc.sql("SELECT batch_index, result::text AS result FROM tasks WHERE study_id = ? AND step = ?"
                        + " AND NOT (batch_index = ANY(?))")
                .params(studyId, step, except.toArray(Integer[]::new))
                .query((RowCallbackHandler) rs -> results.put(rs.getInt("batch_index"), rs.getString("result")));
        return results;
    }

    /**
     * Hands a leased task back to the queue (CANCELLED when its study ended). Always QUEUED, never
     * HELD, even if the study is paused: the status is read without the study lock, and a stale
     * PAUSED must not strand a task after a concurrent resume; leasing checks the status anyway.
     * Returns false when the lease was not the current one.
     */
    public boolean requeue(long taskId, UUID token, boolean preempted, boolean failed, String error) {
        return jdbc.sql("UPDATE tasks t SET state = " + REQUEUE_TARGET + ", " + LEASE_CLEARED + ", " + """
                            preemptions = t.preemptions + CASE WHEN ? THEN 1 ELSE 0 END,
                            failures = t.failures + CASE WHEN ? THEN 1 ELSE 0 END,
                            last_error = COALESCE(?, t.last_error)
                        FROM studies s
                        WHERE s.id = t.study_id AND t.id = ? AND t.state = 'LEASED' AND t.lease_token = ?""")
                .params(preempted, failed, error, taskId, token).update() > 0;
    }

    /** Requeues every expired lease (at most {@code limit} per call), counting each as an expiry. */
    /**
     * Takes back the leases a {@code taken} CTE (id, lease_owner) selects, counted as expiries:
     * queued again while the study runs or is paused, cancelled otherwise.
     */
    private static final String REQUEUE_TAKEN_AS_EXPIRED = "UPDATE tasks t SET state = " + REQUEUE_TARGET + ", "
            + LEASE_CLEARED + ", " + """
                expiries = t.expiries + 1
            FROM taken, studies s
            WHERE t.id = taken.id AND s.id = t.study_id
            RETURNING t.id, t.study_id, t.step, t.batch_index, taken.lease_owner, t.attempt""";

    private static final RowMapper<Expired> EXPIRED = (rs, row) -> new Expired(rs.getLong("id"),
            rs.getObject("study_id", UUID.class), rs.getInt("step"), rs.getInt("batch_index"), rs.getString("lease_owner"),
            rs.getInt("attempt"));

    public List<Expired> requeueExpired(int limit) {
        return jdbc.sql("""
                        WITH taken AS (
                            SELECT t.id, t.lease_owner FROM tasks t
                            WHERE t.state = 'LEASED' AND t.lease_expires_at <= now()
                            ORDER BY t.lease_expires_at
                            LIMIT ?
                            FOR UPDATE OF t SKIP LOCKED)
                        """ + REQUEUE_TAKEN_AS_EXPIRED)
                .param(limit)
                .query(EXPIRED)
                .list();
    }

    /**
     * Takes back every lease a worker that is known to be gone holds, as the sweeper takes back an
     * expired one (counted as an expiry), without waiting for the lease to run out. Only leases
     * granted before this transaction: a worker restarted under the same name keeps its new ones.
     */
    public List<Expired> requeueLeasedBy(String worker) {
        return jdbc.sql("""
                        WITH taken AS (
                            SELECT t.id, t.lease_owner FROM tasks t
                            WHERE t.state = 'LEASED' AND t.lease_owner = ? AND t.leased_at <= now()
                            ORDER BY t.id
                            FOR UPDATE OF t)
                        """ + REQUEUE_TAKEN_AS_EXPIRED)
                .param(worker)
                .query(EXPIRED)
                .list();
    }

    /** Extends a current lease; empty when it is not current (lost, superseded, expired or cancelled). */
    public Optional<Instant> extend(long taskId, UUID token, long eventsDone, int leaseSeconds) {
        return extend(taskId, token, eventsDone, null, leaseSeconds);
    }

    /** Extends a current lease and records the attempt's progress and CPU seconds (null: not reported). */
    public Optional<Instant> extend(long taskId, UUID token, long eventsDone, Double cpuSeconds, int leaseSeconds) {
        return jdbc.sql("WITH extended AS (UPDATE tasks t SET lease_expires_at = now() + make_interval(secs => ?),"
                        + " events_done = ? WHERE t.id = ? AND " + currentLease("?")
                        + " RETURNING t.id, t.attempt, t.lease_expires_at),"
                        + " progress AS (UPDATE task_attempts a SET events_done = ?,"
                        + " cpu_seconds = GREATEST(a.cpu_seconds, COALESCE(?::double precision, 0))"
                        + " FROM extended e WHERE a.task_id = e.id AND a.attempt = e.attempt AND a.ended_at IS NULL)"
                        + " SELECT lease_expires_at FROM extended")
                .params(leaseSeconds, Math.max(0, eventsDone), taskId, token, Math.max(0, eventsDone), cpuSeconds)
                .query((rs, row) -> instant(rs, "lease_expires_at")).optional();
    }

    public boolean checkpoint(long taskId, UUID token, String key, long nextEvent, String sha256) {
        return checkpoint(taskId, token, key, nextEvent, sha256, null);
    }

    /**
     * Records a checkpoint of the current lease; the CPU seconds the attempt had used at its progress
     * are kept with it (a later attempt resuming from it keeps that work).
     */
    public boolean checkpoint(long taskId, UUID token, String key, long nextEvent, String sha256, Double cpuSeconds) {
        return jdbc.sql("WITH stored AS (UPDATE tasks t SET checkpoint_key = ?, checkpoint_next_event = ?,"
                        + " checkpoint_sha256 = ?, events_done = ? - t.event_from WHERE t.id = ? AND " + currentLease("?")
                        + " RETURNING t.id, t.attempt, t.event_from),"
                        + " progress AS (UPDATE task_attempts a SET checkpoint_next_event = ?,"
                        + " events_done = GREATEST(a.events_done, ? - s.event_from),"
                        + " checkpoint_cpu_seconds = COALESCE(?::double precision, a.checkpoint_cpu_seconds),"
                        + " cpu_seconds = GREATEST(a.cpu_seconds, COALESCE(?::double precision, 0))"
                        + " FROM stored s WHERE a.task_id = s.id AND a.attempt = s.attempt AND a.ended_at IS NULL)"
                        + " SELECT count(*) FROM stored")
                .params(key, nextEvent, sha256, nextEvent, taskId, token, nextEvent, nextEvent, cpuSeconds, cpuSeconds)
                .query(Long.class).single() > 0;
    }

    /** How an attempt ended; {@code lost}: its work after its newest checkpoint must be redone. */
    public record AttemptEnd(long taskId, String outcome, String reason, Double cpuSeconds, boolean lost,
                             String exception, Integer exitCode, String stderrTail) {
        public static AttemptEnd of(long taskId, String outcome, String reason, Double cpuSeconds, boolean lost) {
            return new AttemptEnd(taskId, outcome, reason, cpuSeconds, lost, null, null, null);
        }
    }

    /** CPU seconds of an ended attempt, and the part of them lost. */
    public record AttemptCpu(double cpuSeconds, double cpuSecondsLost) {
        public static final AttemptCpu NONE = new AttemptCpu(0, 0);
    }

    /**
     * Ends the open attempt of a task (the one its current or just-ended lease recorded). When the
     * attempt is {@code lost}, the CPU it spent after its newest checkpoint counts as lost: the next
     * attempt resumes from that checkpoint (or from the start) and redoes the rest.
     */
    public AttemptCpu endAttempt(AttemptEnd end) {
        return jdbc.sql("""
                        UPDATE task_attempts a SET ended_at = now(), outcome = ?, reason = ?,
                            exception = ?, exit_code = ?, stderr_tail = ?,
                            cpu_seconds = GREATEST(a.cpu_seconds, COALESCE(?::double precision, 0)),
                            cpu_seconds_lost = CASE WHEN ? THEN GREATEST(GREATEST(a.cpu_seconds,
                                COALESCE(?::double precision, 0)) - a.checkpoint_cpu_seconds, 0) ELSE 0 END
                        WHERE a.task_id = ? AND a.ended_at IS NULL
                        RETURNING a.cpu_seconds, a.cpu_seconds_lost""")
                .params(end.outcome(), end.reason(), end.exception(), end.exitCode(), end.stderrTail(), end.cpuSeconds(),
                        end.lost(), end.cpuSeconds(), end.taskId())
                .query((rs, row) -> new AttemptCpu(rs.getDouble("cpu_seconds"), rs.getDouble("cpu_seconds_lost")))
                .optional().orElse(AttemptCpu.NONE);
    }

    /** Ends the open attempts of completed tasks (one statement), with the CPU seconds each reported. */
    public void endCompletedAttempts(Map<Long, Double> cpuSecondsByTask) {
        if (cpuSecondsByTask.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>(cpuSecondsByTask.keySet());
        ids.sort(Long::compare);
        Double[] cpu = new Double[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            Double reported = cpuSecondsByTask.get(ids.get(i));
            cpu[i] = reported == null ? 0.0 : reported;
        }
        jdbc.sql("""
                        UPDATE task_attempts a SET ended_at = now(), outcome = 'completed',
                            events_done = t.event_to - t.event_from,
                            cpu_seconds = GREATEST(a.cpu_seconds, COALESCE(v.cpu, 0))
                        FROM unnest(?::bigint[], ?::double precision[]) AS v(id, cpu), tasks t
                        WHERE a.task_id = v.id AND t.id = v.id AND a.attempt = t.attempt AND a.ended_at IS NULL""")
                .params(ids.toArray(Long[]::new), cpu)
                .update();
    }

    /** A study ended: its running attempts end as cancelled (their CPU is counted, not lost). */
    public void endAttemptsOfStudy(UUID studyId, String outcome) {
        jdbc.sql("UPDATE task_attempts SET ended_at = now(), outcome = ? WHERE study_id = ? AND ended_at IS NULL")
                .params(outcome, studyId).update();
    }

    /** Pause: queued tasks wait. */
    public int hold(UUID studyId) {
        return jdbc.sql("UPDATE tasks SET state = 'HELD' WHERE study_id = ? AND state = 'QUEUED'").param(studyId).update();
    }

    /** Resume: waiting tasks become leasable again. */
    public int unhold(UUID studyId) {
        return jdbc.sql("UPDATE tasks SET state = 'QUEUED', queued_at = now() WHERE study_id = ? AND state = 'HELD'")
                .param(studyId).update();
    }

    public long queuedOf(UUID studyId) {
        return jdbc.sql("SELECT count(*) FROM tasks WHERE study_id = ? AND state = 'QUEUED'").param(studyId)
                .query(Long.class).single();
    }

    /** Cancel or fail: every unfinished task is cancelled; leases are lost (heartbeats answer abandon). */
    public int cancelUnfinished(UUID studyId) {
        endAttemptsOfStudy(studyId, "cancelled");
        return jdbc.sql("UPDATE tasks SET state = 'CANCELLED', lease_expires_at = NULL"
                        + " WHERE study_id = ? AND state IN ('QUEUED', 'HELD', 'LEASED')")
                .param(studyId).update();
    }

    public Map<TaskState, Long> countsByState(UUID studyId) {
        Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM tasks WHERE study_id = ? GROUP BY state").param(studyId)
                .query((RowCallbackHandler) rs -> counts.put(TaskState.valueOf(rs.getString("state")), rs.getLong("n")));
        return counts;
    }

    /** Queue size for launchers: queued tasks of running studies, and leased tasks. */
    /** Leasable and leased tasks per simulator their study names (simulators without tasks left out). */
    public Map<String, QueueCounts> queuedAndLeasedBySimulator() {
        Map<String, QueueCounts> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT s.simulator, count(*) FILTER (WHERE t.state = 'QUEUED' AND s.status = 'RUNNING') AS queued,"
                        + " count(*) FILTER (WHERE t.state = 'LEASED') AS leased"
                        + " FROM tasks t JOIN studies s ON s.id = t.study_id"
                        + " WHERE t.state IN ('QUEUED', 'LEASED') AND s.simulator IS NOT NULL GROUP BY s.simulator")
                .query((rs, row) -> Map.entry(rs.getString(1), new QueueCounts(rs.getLong(2), rs.getLong(3)))).list()
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    public QueueCounts queuedAndLeased() {
        return jdbc.sql("SELECT"
                        + " (SELECT count(*) FROM tasks t WHERE " + LEASABLE + ") AS queued,"
                        + " (SELECT count(*) FROM tasks WHERE state = 'LEASED') AS leased")
                .query((rs, row) -> new QueueCounts(rs.getLong("queued"), rs.getLong("leased"))).single();
    }

    /**
     * The workers holding leases, by the pod name they registered with (downward API), else by
     * worker id. Uses the partial index on LEASED tasks' owners: one row per lease.
     */
    public Set<String> busyWorkers() {
        return new HashSet<>(jdbc.sql("""
                        SELECT DISTINCT coalesce(nullif(w.pod, ''), t.lease_owner) AS worker
                        FROM tasks t LEFT JOIN workers w ON w.id = t.lease_owner
                        WHERE t.state = 'LEASED' AND t.lease_owner IS NOT NULL""")
                .query(String.class).list());
    }

    public Map<TaskState, Long> countsByStateAll() {
        Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM tasks GROUP BY state")
                .query((RowCallbackHandler) rs -> counts.put(TaskState.valueOf(rs.getString("state")), rs.getLong("n")));
        return counts;
    }

    /** Per-step task summary of one study: attempts, preemptions, expiries, failures, events done. */
    public record StepTaskSummary(int step, long queued, long held, long leased, long completed, long cancelled,
                                  long attempts, long preemptions, long expiries, long failures, long eventsDone,
                                  long events) {
    }

    public List<StepTaskSummary> summaryByStep(UUID studyId, int fromStep, int limit) {
        return jdbc.sql("""
                        SELECT step,
                            count(*) FILTER (WHERE state = 'QUEUED') AS queued,
                            count(*) FILTER (WHERE state = 'HELD') AS held,
                            count(*) FILTER (WHERE state = 'LEASED') AS leased,
                            count(*) FILTER (WHERE state = 'COMPLETED') AS completed,
                            count(*) FILTER (WHERE state = 'CANCELLED') AS cancelled,
                            sum(attempt) AS attempts, sum(preemptions) AS preemptions, sum(expiries) AS expiries,
                            sum(failures) AS failures, sum(events_done) AS events_done, sum(event_to - event_from) AS events
                        FROM tasks WHERE study_id = ? AND step >= ? GROUP BY step ORDER BY step LIMIT ?""")
                .params(studyId, fromStep, limit)
                .query((rs, row) -> new StepTaskSummary(rs.getInt("step"), rs.getLong("queued"), rs.getLong("held"),
                        rs.getLong("leased"), rs.getLong("completed"), rs.getLong("cancelled"), rs.getLong("attempts"),
                        rs.getLong("preemptions"), rs.getLong("expiries"), rs.getLong("failures"),
                        rs.getLong("events_done"), rs.getLong("events")))
                .list();
    }

    /** Tasks of one step (for the API's task list), without JSON bodies. */
    public List<TaskRow> ofStep(UUID studyId, int step) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE study_id = ? AND step = ? ORDER BY batch_index")
                .params(studyId, step).query(MAPPER).list();
    }

    private static TaskRow map(ResultSet rs, int row) throws SQLException {
        return new TaskRow(rs.getLong("id"), rs.getObject("study_id", UUID.class), rs.getInt("step"),
                rs.getInt("batch_index"), rs.getLong("event_from"), rs.getLong("event_to"),
                TaskState.valueOf(rs.getString("state")), rs.getInt("attempt"), rs.getString("lease_owner"),
                rs.getObject("lease_token", UUID.class), instant(rs, "lease_expires_at"),
                rs.getBoolean("lease_expired"), rs.getString("checkpoint_key"),
                rs.getObject("completed_token", UUID.class), (Boolean) rs.getObject("step_completed"),
                rs.getInt("failures"), rs.getInt("preemptions"), rs.getInt("expiries"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
