package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 20: a worker job whose Slurm time limit runs out gets SIGTERM {@code grace} before it
 * ({@code --signal=B:TERM@grace}), and the worker checkpoints, releases its batch and exits 0
 * within that grace, so the job ends COMPLETED rather than TIMEOUT and a replacement job resumes
 * the batch; the study still equals the reference runner's. On the real single-node Slurm
 * ({@link SingleNodeSlurm}). The running job's limit is shortened with {@code scontrol update} to
 * leave 70–130 s, inside slurmctld's warning window (grace plus its 30 s check period), so the
 * signal comes at one of its next checks: the test waits for it instead of a whole time limit. The one
 * batch (10⁹ events of the Gaussian toy, about 110 s on one quiet core) must outlast the signal's
 * worst-case delay (about a minute) on a fast machine; a 150 M-event batch once finished in 16 s, before
 * the signal came. It takes four to six minutes on a quiet machine (the batch, then the reference runner).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlurmTimeLimitTest {
    private static final String JOB_NAME = "detopt-timelimit-worker";
    private static final Path JOB_LOGS = Path.of("target", "slurm-test", "timelimit-jobs").toAbsolutePath();
    private static final Pattern RUN_TIME = Pattern.compile("RunTime=(?:(\\d+)-)?(\\d+):(\\d+):(\\d+)");
    /** The job's {@code --signal=B:TERM@grace}. */
    private static final int GRACE_SECONDS = 100;
    /** slurmctld sends the warning signal at its first time-limit check (every 30 s) with at most this much time left. */
    private static final int WARNING_WINDOW = GRACE_SECONDS + 30;
    /** One batch, long enough to be running when the signal comes even on a fast core. */
    private static final int BATCH_EVENTS = 1_000_000_000;

    @TempDir
    static Path directory;

    /** Closed after the class's tests: the service, then the Slurm cluster. */
    @AutoClose
    SlurmModeService stack;
    SingleNodeSlurm slurm;
    ApiClient api;
    JdbcTemplate jdbc;

    @BeforeAll
    void startSlurmAndService() throws Exception {
        stack = SlurmModeService.start(directory, JOB_NAME, JOB_LOGS,
                "--detopt.workers.slurm.grace=" + GRACE_SECONDS + "s",
                "--detopt.workers.slurm.max-workers=1");
        slurm = stack.slurm;
        api = stack.api;
        jdbc = stack.jdbc;
    }

    private String status(String id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString();
    }

    private String showJob(String job) throws Exception {
        return slurm.exec(List.of("/usr/bin/scontrol", "show", "job", "-o", job));
    }

    /** How long the job has run, in seconds. */
    private long runSeconds(String job) throws Exception {
        Matcher runTime = RUN_TIME.matcher(showJob(job));
        assertThat(runTime.find()).isTrue();
        return (runTime.group(1) == null ? 0 : Long.parseLong(runTime.group(1)) * 86_400)
                + Long.parseLong(runTime.group(2)) * 3600 + Long.parseLong(runTime.group(3)) * 60 + Long.parseLong(runTime.group(4));
    }

    private static String workerLog(String job) throws Exception {
        Path log = JOB_LOGS.resolve("worker-" + job + ".log");
        return Files.exists(log) ? Files.readString(log) : "(no log at " + log + ")";
    }

    @Test
    void aJobReachingItsTimeLimitGetsSigtermWithinTheGraceAndItsBatchResumesElsewhere() throws Exception {
        // One batch long enough (BATCH_EVENTS) to be running when the signal comes.
        String spec = TestSpecs.gaussian(1, BATCH_EVENTS, BATCH_EVENTS, 47);
        var created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        // The job's JVM starts on a shared machine: give it time, it is a condition wait.
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND checkpoint_key IS NOT NULL", Long.class, id) > 0);
        String owner = jdbc.queryForObject("SELECT lease_owner FROM tasks WHERE study_id = ?::uuid", String.class, id);
        String job = owner.substring("slurm-".length());
        assertThat(showJob(job)).contains("TimeLimit=00:15:00");

        // Time limits are whole minutes: the largest one inside the warning window leaves 70–130 s.
        long minutes = (runSeconds(job) + WARNING_WINDOW) / 60;
        slurm.exec(List.of("/usr/bin/scontrol", "update", "JobId=" + job, "TimeLimit=" + minutes));
        assertThat(showJob(job)).contains(String.format("TimeLimit=00:%02d:00", minutes));

        // SIGTERM comes at one of slurmctld's next checks (every 30 s): the worker checkpoints, releases
        // and exits 0. The bound covers two checks and a loaded machine; the job's own limit comes later.
        long updated = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                    "SELECT preemptions FROM tasks WHERE study_id = ?::uuid", Integer.class, id) == 1);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no preemption recorded; task " + jdbc.queryForMap("SELECT * FROM tasks WHERE study_id = ?::uuid", id)
                    + "\njob: " + showJob(job) + "\nworker log:\n" + workerLog(job) + "\n" + slurm.logs(), e);
        }
        System.out.printf("time-limit signal handled %d s after the limit was shortened%n",
                Duration.ofNanos(System.nanoTime() - updated).toSeconds());
        Map<String, Object> task = jdbc.queryForMap("SELECT checkpoint_next_event, failures FROM tasks WHERE study_id = ?::uuid", id);
        assertThat((Long) task.get("checkpoint_next_event")).isPositive().isLessThan((long) BATCH_EVENTS);
        assertThat(task.get("failures")).isEqualTo(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> SlurmJobEnd.TERMINAL.contains(slurm.jobs(JOB_NAME).get(job)));
        assertThat(slurm.jobs(JOB_NAME).get(job)).as("ended by the worker within the grace, not by the limit")
                .isEqualTo("COMPLETED");
        String log = workerLog(job);
        assertThat(log).contains("stop requested", "preempted at event", "released task").doesNotContain("TIME LIMIT");

        // A replacement job resumes the batch from the checkpoint; the study equals the reference runner's.
        await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(200)).failFast(() -> status(id).equals("FAILED"))
                .until(() -> status(id).equals("COMPLETED"));
        String finisher = jdbc.queryForObject("SELECT completed_by FROM tasks WHERE study_id = ?::uuid", String.class, id);
        assertThat(finisher).isNotEqualTo(owner);
        assertThat(jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ?::uuid ORDER BY step", String.class, id))
                .containsExactlyElementsOf(new StudyRunner(StudySpecs.fromJson(spec), 2).run(record -> { }).steps().stream()
                        .map(WireJson::write).toList());
    }
}
