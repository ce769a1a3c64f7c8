package dev.detopt.service.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Workers as Slurm batch jobs ({@code detopt.workers.mode=slurm}, properties
 * {@code detopt.workers.slurm.*}, e.g. {@code DETOPT_WORKERS_SLURM_PARTITION}).
 *
 * @param jar               the worker jar as seen from the compute nodes (a shared filesystem);
 *                          unset: {@code worker/target/detopt-worker.jar} or {@code detopt-worker.jar}
 *                          under the service's working directory
 * @param java              the java command on the nodes (JDK 21 or newer)
 * @param javaOptions       extra JVM options of the workers
 * @param account           {@code sbatch --account} (unset: the user's default)
 * @param partition         {@code --partition} (unset: the cluster's default)
 * @param qos               {@code --qos} (unset: the default)
 * @param timeLimit         {@code --time} of each worker job; the worker gets SIGTERM {@code grace} before it
 * @param coresPerWorker    {@code --cpus-per-task}, also the worker's simulation threads
 * @param memory            {@code --mem} per worker job, e.g. {@code 2G}
 * @param grace             {@code --signal=B:TERM@<seconds>}: SIGTERM to the worker this long before the
 *                          time limit, so it checkpoints and releases its batch in time
 * @param maxWorkers        most worker jobs queued or running at once
 * @param tasksPerWorker    queued or leased tasks that justify one worker job
 * @param idleTimeout       how long the work must stay below the jobs before idle ones are cancelled
 * @param jobName           {@code --job-name}; the launcher adopts and manages every job of this user with it
 * @param serviceUrl        the service's URL as seen from the nodes (unset: {@code http://<this host>:<port>})
 * @param s3Endpoint        the checkpoint store as seen from the nodes (unset: the service's own endpoint)
 * @param token             worker token (unset: the generated local worker token)
 * @param checkpointInterval DETOPT_CHECKPOINT_INTERVAL of the workers
 * @param logDirectory      where the jobs' output goes ({@code worker-<array job>_<index>.log}); must be
 *                          visible from the nodes
 * @param extraArguments    more {@code sbatch} options, one per element (e.g. {@code --constraint=avx2})
 * @param jobcompFile       the {@code JobCompLoc} of {@code JobCompType=jobcomp/filetxt}, read for jobs that
 *                          left {@code squeue} before their end was seen (unset: not read)
 * @param stopTimeout       at shutdown, how long running workers may take to checkpoint and exit
 * @param commandTimeout    longest wait for one sbatch, squeue, scancel or scontrol call
 * @param binDirectory      where the Slurm commands are (unset: the {@code PATH})
 * @param slurmConf         the slurm.conf the commands use ({@code SLURM_CONF}; unset: Slurm's default)
 */
@ConfigurationProperties("detopt.workers.slurm")
public record SlurmLauncherProperties(
        Path jar,
        @DefaultValue("java") String java,
        @DefaultValue List<String> javaOptions,
        String account,
        String partition,
        String qos,
        @DefaultValue("4h") Duration timeLimit,
        @DefaultValue("2") int coresPerWorker,
        @DefaultValue("2G") String memory,
        @DefaultValue("60s") Duration grace,
        @DefaultValue("10") int maxWorkers,
        @DefaultValue("1") int tasksPerWorker,
        @DefaultValue("2m") Duration idleTimeout,
        @DefaultValue("detopt-worker") String jobName,
        String serviceUrl,
        String s3Endpoint,
        String token,
        @DefaultValue("5s") Duration checkpointInterval,
        @DefaultValue(".detopt/slurm") Path logDirectory,
        @DefaultValue List<String> extraArguments,
        Path jobcompFile,
        @DefaultValue("60s") Duration stopTimeout,
        @DefaultValue("30s") Duration commandTimeout,
        Path binDirectory,
        Path slurmConf) {
}
