package dev.detopt.service.launcher;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.security.LocalCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/**
 * Workers as Slurm batch jobs: {@code sbatch} job arrays of {@code java -jar detopt-worker.jar}
 * with the configured account, partition, QoS, time limit, cores and memory, following the queue
 * through the same {@link ScalingPolicy} as the other launchers (submit when tasks wait, cancel
 * idle jobs after the idle timeout). The batch script {@code exec}s the JVM, so a signal to the
 * batch shell reaches the worker: {@code --signal=B:TERM@grace} before the time limit, preemption
 * with {@code GraceTime}, {@code scancel --signal=TERM --full} all take the worker's SIGTERM path
 * (checkpoint, release, exit 0). Job ends are read from {@code squeue --states=all} (and, for jobs
 * that already left it, from the jobcomp/filetxt log) and reported to {@link WorkerEvents}:
 * preemptions, time limits, node failures and cancellations apart from failures. Jobs are
 * recognised by job name and user, so a restarted service adopts the jobs it submitted before.
 */
public final class SlurmWorkerLauncher implements WorkerLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmWorkerLauncher.class);
    /** How long a submitted job may stay out of squeue's answer before it counts as gone. */
    private static final Duration UNSEEN_GRACE = Duration.ofMinutes(1);
    private static final Set<String> PENDING = Set.of("PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD");

    private final SlurmLauncherProperties settings;
    private final Supplier<Map<String, String>> environment;
    private final WorkerEvents events;
    private final Clock clock;
    private final ScalingPolicy policy;
    /** Jobs that may run, by {@code <array job>_<index>}, with their last seen state. */
    private final Map<String, String> jobs = new LinkedHashMap<>();
    /** Jobs the launcher stopped itself: their end is not reported. */
    private final Set<String> stopping = new HashSet<>();
    /** Jobs whose end was recorded (squeue keeps showing ended jobs for MinJobAge). */
    private final Set<String> ended = new HashSet<>();
    /** Jobs submitted but not yet seen in squeue, with the time of submission. */
    private final Map<String, Instant> unseen = new HashMap<>();
    private Path jar;
    private volatile boolean closing;

    public SlurmWorkerLauncher(SlurmLauncherProperties settings, Supplier<Map<String, String>> environment,
                               WorkerEvents events) {
        this(settings, environment, events, Clock.systemUTC());
    }

    SlurmWorkerLauncher(SlurmLauncherProperties settings, Supplier<Map<String, String>> environment,
                        WorkerEvents events, Clock clock) {
        this.settings = settings;
        this.environment = environment;
        this.events = events;
        this.clock = clock;
        this.policy = new ScalingPolicy(0, settings.maxWorkers(), settings.tasksPerWorker(), settings.idleTimeout());
    }

    @Override
    public String mode() {
        return "slurm";
    }

    /**
     * What a worker job needs: the service's URL and the S3 store as the nodes see them, a worker
     * token and the checkpoint interval.
     */
    static Map<String, String> environment(SlurmLauncherProperties slurm, DetoptProperties detopt, Environment spring,
                                           ObjectProvider<LocalCredentials> tokens) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DETOPT_SERVICE_URL", slurm.serviceUrl() != null && !slurm.serviceUrl().isBlank() ? slurm.serviceUrl()
                : "http://" + hostName() + ":" + WorkerEnvironment.servicePort(spring));
        WorkerEnvironment.putWorkerToken(env, slurm.token(), tokens, "Slurm workers", "detopt.workers.slurm.token");
        WorkerEnvironment.putS3(env, detopt.s3());
        if (slurm.s3Endpoint() != null && !slurm.s3Endpoint().isBlank()) {
            env.put("DETOPT_S3_ENDPOINT", slurm.s3Endpoint());
        }
        env.put("DETOPT_CHECKPOINT_INTERVAL", Double.toString(slurm.checkpointInterval().toMillis() / 1000.0));
        return env;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The worker id a job registers with: {@code slurm-<array job>_<index>}. */
    static String workerId(String job) {
        return "slurm-" + job;
    }

    @Override
    public synchronized void start() {
        jar = LocalWorkerLauncher.findJar(settings.jar());
        if (jar == null) {
            LOG.warn("no worker jar found ({}); set detopt.workers.slurm.jar to detopt-worker.jar on a filesystem the "
                    + "nodes see; no Slurm jobs submitted", settings.jar() == null ? "worker/target/detopt-worker.jar" : settings.jar());
            return;
        }
        try {
            Files.createDirectories(settings.logDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Slurm log directory " + settings.logDirectory(), e);
        }
        for (Job job : squeue()) {
            if (!SlurmJobEnd.TERMINAL.contains(job.state())) {
                jobs.put(job.key(), job.state());
            } else {
                ended.add(job.key());
            }
        }
        LOG.info("Slurm workers: up to {} jobs '{}' of {} cores and {} for {} (partition {}, account {}, QoS {}), "
                        + "idle ones cancelled after {}; {} adopted; logs in {}", settings.maxWorkers(), settings.jobName(),
                settings.coresPerWorker(), settings.memory(), settings.timeLimit(), orDefault(settings.partition()),
                orDefault(settings.account()), orDefault(settings.qos()), settings.idleTimeout(), jobs.size(),
                settings.logDirectory().toAbsolutePath());
    }

    private static String orDefault(String value) {
        return value == null || value.isBlank() ? "default" : value;
    }

    @Override
    public synchronized void reconcile(WorkerDemand.Demand work) {
        if (jar == null || closing) {
            return;
        }
        observe();
        List<String> active = jobs.keySet().stream().filter(job -> !stopping.contains(job)).toList();
        int current = active.size();
        int busy = (int) active.stream().filter(job -> work.busyWorkers().contains(workerId(job))).count();
        int desired = policy.desired(current, work, clock.instant(), () -> busy);
        if (desired > current) {
            LOG.info("submitting {} Slurm worker job(s) for {} queued and {} leased tasks", desired - current,
                    work.queued(), work.leased());
            submit(desired - current);
        } else if (desired < current) {
            // Never-started jobs first, then running idle ones, newest first; the policy keeps the busy ones.
            List<String> idle = active.stream().filter(job -> !work.busyWorkers().contains(workerId(job)))
                    .sorted(Comparator.comparing((String job) -> !PENDING.contains(jobs.get(job)))
                            .thenComparing(SlurmWorkerLauncher::order, Comparator.reverseOrder()))
                    .toList();
            for (String job : idle.subList(0, Math.min(idle.size(), current - desired))) {
                LOG.info("cancelling idle Slurm worker job {} ({})", job, jobs.get(job));
                stop(job);
            }
        }
    }

    /** Array job id, then index, numerically. */
    private static long order(String job) {
        int underscore = job.indexOf('_');
        try {
            long array = Long.parseLong(underscore < 0 ? job : job.substring(0, underscore));
            long index = underscore < 0 ? 0 : Long.parseLong(job.substring(underscore + 1));
            return array * 1_000_000 + index;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Reads squeue: new states of known jobs, and the ends of those that stopped, each recorded once. */
    private void observe() {
        Map<String, Job> seen = new LinkedHashMap<>();
        for (Job job : squeue()) {
            seen.put(job.key(), job);
        }
        for (String key : List.copyOf(jobs.keySet())) {
            Job job = seen.get(key);
            if (job != null && !SlurmJobEnd.TERMINAL.contains(job.state())) {
                jobs.put(key, job.state());
                unseen.remove(key);
                continue;
            }
            Instant submitted = job == null ? unseen.get(key) : null;
            if (submitted != null && Duration.between(submitted, clock.instant()).compareTo(UNSEEN_GRACE) < 0) {
                continue; // not in squeue yet (a slow or federated controller)
            }
            unseen.remove(key);
            jobs.remove(key);
            if (!ended.add(key) || stopping.remove(key)) {
                continue;
            }
            SlurmJobEnd end = job != null ? endOf(job) : fromJobcomp(key);
            if (end == null) {
                LOG.warn("Slurm worker job {} left the queue and its end is unknown (set detopt.workers.slurm.jobcomp-file "
                        + "to JobCompLoc of jobcomp/filetxt)", key);
            } else if (end.preempted()) {
                events.preempted(workerId(key), job == null ? "" : job.node(), end.reason());
            } else {
                events.crashed(workerId(key), job == null ? "" : job.node(), end.reason() + ", see "
                        + settings.logDirectory().resolve("worker-" + key + ".log"), end.exitCode());
            }
        }
        // Jobs of this name the launcher did not submit (another service instance, a restart): adopted.
        seen.values().stream().filter(job -> !SlurmJobEnd.TERMINAL.contains(job.state()) && !jobs.containsKey(job.key())
                && !ended.contains(job.key())).forEach(job -> jobs.put(job.key(), job.state()));
    }

    private SlurmJobEnd endOf(Job job) {
        int exitCode = -1;
        if (!job.state().equals("CANCELLED")) {
            try {
                exitCode = SlurmJobEnd.exitCode(SlurmJobEnd.fields(run(List.of(command("scontrol"), "show", "job", "-o",
                        job.key()), null)).get("ExitCode"));
            } catch (RuntimeException e) {
                LOG.debug("no exit code for job {}: {}", job.key(), e.toString());
            }
        }
        return SlurmJobEnd.of(job.key(), job.state(), exitCode, job.reason());
    }

    private SlurmJobEnd fromJobcomp(String key) {
        if (settings.jobcompFile() == null || !Files.isReadable(settings.jobcompFile())) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(settings.jobcompFile(), StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                Map<String, String> fields = SlurmJobEnd.fields(lines.get(i));
                if (key.equals(SlurmJobEnd.key(fields)) && fields.containsKey("JobState")) {
                    return SlurmJobEnd.of(key, fields.get("JobState"), SlurmJobEnd.exitCode(fields.get("ExitCode")),
                            fields.get("NodeList"));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", settings.jobcompFile(), e.toString());
        }
        return null;
    }

    /** One line of {@code squeue}: the array element, its state, squeue's reason and its node. */
    record Job(String key, String state, String reason, String node) {
    }

    private List<Job> squeue() {
        String out = run(List.of(command("squeue"), "--me", "--noheader", "--array", "--states=all",
                "--name=" + settings.jobName(), "--format=%i|%T|%r|%N"), null);
        List<Job> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\|", -1);
            if (parts.length >= 4 && !parts[0].isBlank()) {
                found.add(new Job(parts[0], parts[1], parts[2], parts[3]));
            }
        }
        return found;
    }

    private void submit(int count) {
        List<String> command = new ArrayList<>(List.of(command("sbatch"), "--parsable",
                "--array=0-" + (count - 1), "--job-name=" + settings.jobName(),
                "--cpus-per-task=" + settings.coresPerWorker(), "--ntasks=1", "--nodes=1",
                "--mem=" + settings.memory(), "--time=" + slurmTime(settings.timeLimit()),
                "--signal=B:TERM@" + Math.max(1, settings.grace().toSeconds()), "--no-requeue",
                "--output=" + settings.logDirectory().toAbsolutePath().resolve("worker-%A_%a.log"),
                "--chdir=" + settings.logDirectory().toAbsolutePath()));
        if (settings.account() != null && !settings.account().isBlank()) {
            command.add("--account=" + settings.account());
        }
        if (settings.partition() != null && !settings.partition().isBlank()) {
            command.add("--partition=" + settings.partition());
        }
        if (settings.qos() != null && !settings.qos().isBlank()) {
            command.add("--qos=" + settings.qos());
        }
        command.addAll(settings.extraArguments());
        String answer;
        try {
            answer = run(command, batchScript());
        } catch (RuntimeException e) {
            LOG.warn("sbatch refused the worker jobs: {}", e.getMessage());
            return;
        }
        String arrayJob = answer.trim().split(";", 2)[0];
        for (int i = 0; i < count; i++) {
            jobs.put(arrayJob + "_" + i, "PENDING");
            unseen.put(arrayJob + "_" + i, clock.instant());
        }
        LOG.info("submitted Slurm job array {} with {} worker(s)", arrayJob, count);
    }

    /** The script's environment is the sbatch process's (--export=ALL): token and S3 keys never appear in it. */
    String batchScript() {
        StringBuilder script = new StringBuilder("#!/bin/sh\n")
                .append("# detopt worker: the JVM replaces this shell, so Slurm's signals reach it directly.\n")
                .append("export DETOPT_WORKER_ID=\"slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n")
                .append("export DETOPT_NODE_NAME=\"${SLURMD_NODENAME}\"\n")
                .append("export DETOPT_WORKER_THREADS=\"${SLURM_CPUS_PER_TASK:-").append(settings.coresPerWorker()).append("}\"\n")
                .append("exec ").append(quote(settings.java()));
        settings.javaOptions().forEach(option -> script.append(' ').append(quote(option)));
        return script.append(" -jar ").append(quote(jar.toString())).append('\n').toString();
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** {@code days-hours:minutes:seconds}, rounded up to whole seconds. */
    static String slurmTime(Duration limit) {
        long seconds = Math.max(60, (limit.toMillis() + 999) / 1000);
        return "%d-%02d:%02d:%02d".formatted(seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60);
    }

    /** Ends a job without reporting its end: SIGTERM to a running worker (it releases and exits 0), scancel otherwise. */
    private void stop(String job) {
        stopping.add(job);
        try {
            if ("RUNNING".equals(jobs.get(job))) {
                run(List.of(command("scancel"), "--signal=TERM", "--full", job), null);
            } else {
                run(List.of(command("scancel"), job), null);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not cancel Slurm job {}: {}", job, e.getMessage());
        }
    }

    @Override
    public synchronized List<WorkerInstance> instances() {
        return jobs.entrySet().stream().map(job -> new WorkerInstance(workerId(job.getKey()), -1,
                stopping.contains(job.getKey()) ? job.getValue() + " (stopping)" : job.getValue())).toList();
    }

    /** For tests and operators: the jobs that may run, by {@code <array job>_<index>}. */
    synchronized Map<String, String> jobs() {
        return Map.copyOf(jobs);
    }

    @Override
    public void close() {
        List<String> running;
        synchronized (this) {
            if (closing || jar == null) {
                closing = true;
                return;
            }
            closing = true;
            running = List.copyOf(jobs.keySet());
            running.forEach(this::stop);
        }
        if (running.isEmpty()) {
            return;
        }
        LOG.info("stopping {} Slurm worker job(s)", running.size());
        long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
        Set<String> left = new HashSet<>(running);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Set<String> active = new HashSet<>();
                squeue().stream().filter(job -> !SlurmJobEnd.TERMINAL.contains(job.state())).forEach(job -> active.add(job.key()));
                left.retainAll(active);
                if (!left.isEmpty()) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("cannot follow the stopping Slurm jobs: {}", e.getMessage());
                return;
            }
        }
        if (!left.isEmpty()) {
            LOG.warn("Slurm worker jobs {} did not end within {}; cancelling them", left, settings.stopTimeout());
            try {
                List<String> command = new ArrayList<>(List.of(command("scancel")));
                command.addAll(left);
                run(command, null);
            } catch (RuntimeException e) {
                LOG.warn("scancel failed: {}", e.getMessage());
            }
        }
    }

    private String command(String name) {
        return settings.binDirectory() == null ? name : settings.binDirectory().resolve(name).toString();
    }

    /**
     * Runs a Slurm command; its standard output, or an exception with its error output. With a
     * batch script on standard input (sbatch) the command gets the workers' environment, which
     * sbatch passes on to the jobs.
     */
    private String run(List<String> command, String batchScript) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (settings.slurmConf() != null) {
            builder.environment().put("SLURM_CONF", settings.slurmConf().toAbsolutePath().toString());
        }
        if (batchScript != null) {
            builder.environment().keySet().removeIf(name -> name.startsWith("DETOPT_"));
            builder.environment().putAll(environment.get());
        }
        try {
            Process process = builder.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            try (var stdin = process.getOutputStream()) {
                if (batchScript != null) {
                    stdin.write(batchScript.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not answer within " + settings.commandTimeout());
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": "
                        + err.join().strip());
            }
            return out.join();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (is Slurm installed? "
                    + "detopt.workers.slurm.bin-directory)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
