package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.model.study.StudyHistory;
import dev.detopt.model.study.StudyRunner;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.ApiClient;
import dev.detopt.service.TestSpecs;
import dev.detopt.service.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 20 point 2: the service with {@code detopt.workers.mode=slurm} on a real single-node
 * Slurm ({@link SingleNodeSlurm}): its workers are sbatch job arrays of the real worker main
 * class. A study finished by them, and a study whose worker job got {@code scancel --signal=TERM}
 * mid-batch (checkpoint, release, replacement job resumes), both reproduce the reference runner
 * bit for bit; idle jobs are cancelled after the idle timeout; the signalled job's end is counted
 * as a preemption, not a crash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlurmWorkerLauncherTest {
    private static final String JOB_NAME = "detopt-test-worker";
    /** Job output, kept after the test for inspection. */
    private static final Path JOB_LOGS = Path.of("target", "slurm-test", "jobs").toAbsolutePath();

    @TempDir
    static Path directory;

    /** Closed after the class's tests: the service, then the Slurm cluster. */
    @AutoClose
    SlurmModeService stack;
    SingleNodeSlurm slurm;
    ConfigurableApplicationContext service;
    ApiClient api;
    JdbcTemplate jdbc;

    @BeforeAll
    void startSlurmAndService() throws Exception {
        stack = SlurmModeService.start(directory, JOB_NAME, JOB_LOGS,
                "--detopt.workers.slurm.partition=debug",
                "--detopt.workers.slurm.account=detector-physics",
                "--detopt.workers.slurm.qos=normal",
                "--detopt.workers.slurm.grace=60s",
                "--detopt.workers.slurm.max-workers=2");
        slurm = stack.slurm;
        service = stack.service;
        api = stack.api;
        jdbc = stack.jdbc;
    }

    @BeforeEach
    void noWorkerJobsLeft() {
        awaitNoActiveJobs();
    }

    private SlurmWorkerLauncher launcher() {
        return (SlurmWorkerLauncher) service.getBean(WorkerFleet.class).launcher();
    }

    private void awaitNoActiveJobs() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> launcher().jobs().isEmpty()
                && slurm.jobs(JOB_NAME).values().stream().allMatch(SlurmJobEnd.TERMINAL::contains));
    }

    private String createAndStart(String spec) {
        ApiClient.Response created = api.post("/api/v1/studies", spec, TestTokens.OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/studies/" + id + "/start", (String) null, TestTokens.OPERATOR).status()).isEqualTo(200);
        return id;
    }

    private String status(String id) {
        return api.get("/api/v1/studies/" + id, TestTokens.VIEWER).json().path("status").asString();
    }

    private void awaitCompleted(String id) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).failFast(() -> status(id).equals("FAILED"))
                .until(() -> status(id).equals("COMPLETED"));
    }

    private List<String> storedRecords(String id) {
        return jdbc.queryForList("SELECT record::text FROM steps WHERE study_id = ?::uuid ORDER BY step", String.class, id);
    }

    private static List<String> reference(String spec, int threads) {
        StudyHistory history = new StudyRunner(StudySpecs.fromJson(spec), threads).run(record -> { });
        return history.steps().stream().map(WireJson::write).toList();
    }

    private double count(String meter, String reason) {
        return service.getBean(MeterRegistry.class).find(meter).tag("reason", reason).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private double allEnds() {
        MeterRegistry meters = service.getBean(MeterRegistry.class);
        return meters.find("detopt.worker.preemptions").counters().stream().mapToDouble(Counter::count).sum()
                + meters.find("detopt.worker.crashes").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aStudyIsFinishedBySlurmWorkersAndTheIdleJobsAreCancelled() throws Exception {
        double endsBefore = allEnds();
        String spec = TestSpecs.gaussian(3, 400_000, 100_000, 41);
        String id = createAndStart(spec);
        // The launcher submits a job array of up to max-workers jobs for the 4 queued batches.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> slurm.jobs(JOB_NAME).size() >= 2);
        // With the configured account, partition, time limit, cores and memory (no accounting
        // database here, so Slurm does not keep the QoS).
        String first = slurm.jobs(JOB_NAME).keySet().iterator().next();
        Map<String, String> job = SlurmJobEnd.fields(slurm.exec(List.of("/usr/bin/scontrol", "show", "job", "-o", first)));
        assertThat(job).containsEntry("JobName", JOB_NAME).containsEntry("Account", "detector-physics")
                .containsEntry("Partition", "debug").containsEntry("TimeLimit", "00:15:00")
                .containsEntry("MinMemoryNode", "400M").containsEntry("CPUs/Task", "1");
        awaitCompleted(id);

        assertThat(storedRecords(id)).containsExactlyElementsOf(reference(spec, 2));
        List<String> completedBy = jdbc.queryForList("SELECT DISTINCT completed_by FROM tasks WHERE study_id = ?::uuid",
                String.class, id);
        assertThat(completedBy).isNotEmpty().allMatch(worker -> worker.matches("slurm-\\d+_\\d+"));
        // Idle after the study: the jobs are cancelled after the idle timeout; that is no preemption or crash.
        awaitNoActiveJobs();
        assertThat(allEnds()).isEqualTo(endsBefore);
        String firstJob = completedBy.getFirst().substring("slurm-".length());
        String script = Files.readString(JOB_LOGS.resolve("worker-" + firstJob + ".log"));
        assertThat(script).contains("registered as " + completedBy.getFirst());
    }

    @Test
    void aJobSignalledWithSigtermMidBatchIsResumedFromItsCheckpointByAnotherJob() throws Exception {
        // One long batch: the SIGTERM lands in its middle. 2·10⁸ events take about 20 s on a quiet core;
        // 4·10⁶ once finished before the signal came.
        String spec = TestSpecs.gaussian(1, 200_000_000, 200_000_000, 43);
        String id = createAndStart(spec);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM tasks WHERE study_id = ?::uuid AND checkpoint_key IS NOT NULL", Long.class, id) > 0);
        String owner = jdbc.queryForObject("SELECT lease_owner FROM tasks WHERE study_id = ?::uuid", String.class, id);
        assertThat(owner).matches("slurm-\\d+_\\d+");
        String job = owner.substring("slurm-".length());
        double preemptedBefore = count("detopt.worker.preemptions", "COMPLETED");
        double crashesBefore = service.getBean(MeterRegistry.class).find("detopt.worker.crashes").counters().stream()
                .mapToDouble(Counter::count).sum();

        slurm.exec(List.of("/usr/bin/scancel", "--signal=TERM", "--full", job));

        // The worker checkpointed and released the batch as preempted; its job ended with exit 0.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.queryForObject(
                "SELECT preemptions FROM tasks WHERE study_id = ?::uuid", Integer.class, id) == 1);
        Map<String, Object> task = jdbc.queryForMap("SELECT checkpoint_next_event, failures FROM tasks WHERE study_id = ?::uuid", id);
        long resumedAt = (Long) task.get("checkpoint_next_event");
        assertThat(resumedAt).isPositive().isLessThan(200_000_000L);
        assertThat(task.get("failures")).isEqualTo(0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "COMPLETED".equals(slurm.jobs(JOB_NAME).get(job)));
        // The launcher saw the end and counted it as a preemption, not a crash.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count("detopt.worker.preemptions", "COMPLETED") == preemptedBefore + 1);

        // A replacement job leases the batch and resumes it from the checkpoint.
        awaitCompleted(id);
        String finisher = jdbc.queryForObject("SELECT completed_by FROM tasks WHERE study_id = ?::uuid", String.class, id);
        assertThat(finisher).matches("slurm-\\d+_\\d+").isNotEqualTo(owner);
        String log = Files.readString(JOB_LOGS.resolve("worker-" + job + ".log"));
        assertThat(log).contains("preempted at event", "released task");
        assertThat(Files.readString(JOB_LOGS.resolve("worker-" + finisher.substring("slurm-".length()) + ".log")))
                .contains("resuming studies/" + id);
        assertThat(storedRecords(id)).containsExactlyElementsOf(reference(spec, 2));
        assertThat(service.getBean(MeterRegistry.class).find("detopt.worker.crashes").counters().stream()
                .mapToDouble(Counter::count).sum()).isEqualTo(crashesBefore);
        // jobcomp/filetxt recorded the same end.
        assertThat(Files.readAllLines(slurm.jobcomp)).anySatisfy(line -> assertThat(SlurmJobEnd.fields(line))
                .containsEntry("ArrayJobId", job.split("_")[0]).containsEntry("ArrayTaskId", job.split("_")[1])
                .containsEntry("JobState", "COMPLETED"));
    }
    /** Records what a launcher reports. */
    static final class RecordingEvents implements WorkerEvents {
        final List<String> preempted = new CopyOnWriteArrayList<>();
        final List<String> crashed = new CopyOnWriteArrayList<>();

        @Override
        public void preempted(String worker, String node, String reason) {
            preempted.add(worker + " " + reason);
        }

        @Override
        public void crashed(String worker, String node, String reason, int exitCode) {
            crashed.add(worker + " exit " + exitCode + " " + reason);
        }
    }

    /** A launcher of its own (no service) whose "java" is the given script. */
    private SlurmWorkerLauncher launcher(String jobName, String javaScript, WorkerEvents events) throws Exception {
        Path java = directory.resolve(jobName + ".sh");
        Files.writeString(java, javaScript);
        java.toFile().setExecutable(true);
        Path jar = directory.resolve(jobName + ".jar");
        Files.writeString(jar, "");
        Map<String, String> settings = Map.of("detopt.workers.slurm.job-name", jobName,
                "detopt.workers.slurm.java", java.toString(), "detopt.workers.slurm.jar", jar.toString(),
                "detopt.workers.slurm.slurm-conf", slurm.conf.toString(), "detopt.workers.slurm.cores-per-worker", "1",
                "detopt.workers.slurm.memory", "100M", "detopt.workers.slurm.idle-timeout", "1h",
                "detopt.workers.slurm.log-directory", JOB_LOGS.toString(), "detopt.workers.slurm.stop-timeout", "20s");
        SlurmLauncherProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("detopt.workers.slurm", SlurmLauncherProperties.class);
        SlurmWorkerLauncher launcher = new SlurmWorkerLauncher(properties, Map::of, events);
        launcher.start();
        return launcher;
    }

    @Test
    void aFailedJobIsACrashWithItsExitCodeAndAnOperatorsCancelIsAPreemption() throws Exception {
        WorkerDemand.Demand oneTask = new WorkerDemand.Demand(1, 0);
        RecordingEvents crashes = new RecordingEvents();
        try (SlurmWorkerLauncher launcher = launcher("detopt-test-crash", "#!/bin/sh\necho no JDK >&2\nexit 3\n", crashes)) {
            launcher.reconcile(oneTask);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                launcher.reconcile(oneTask);
                return !crashes.crashed.isEmpty();
            });
        }
        assertThat(crashes.crashed.getFirst()).matches("slurm-\\d+_0 exit 3 FAILED: job \\d+_0 exited 3 .*");
        assertThat(crashes.preempted).isEmpty();

        RecordingEvents cancels = new RecordingEvents();
        String job;
        try (SlurmWorkerLauncher launcher = launcher("detopt-test-cancel", "#!/bin/sh\nexec sleep 600\n", cancels)) {
            launcher.reconcile(oneTask);
            job = launcher.jobs().keySet().iterator().next();
            String submitted = job;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "RUNNING".equals(slurm.jobs("detopt-test-cancel").get(submitted)));
            // A second launcher with the same job name (a restarted service) adopts the running job
            // (not closed here: closing would stop the job).
            SlurmWorkerLauncher restarted = launcher("detopt-test-cancel", "#!/bin/sh\nexec sleep 600\n", cancels);
            assertThat(restarted.jobs()).containsEntry(job, "RUNNING");
            slurm.exec(List.of("/usr/bin/scancel", job));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                launcher.reconcile(oneTask);
                return !cancels.preempted.isEmpty();
            });
        }
        assertThat(cancels.preempted).hasSize(1).first().asString().startsWith("slurm-" + job + " CANCELLED: job " + job);
        assertThat(cancels.crashed).isEmpty();
    }
}
