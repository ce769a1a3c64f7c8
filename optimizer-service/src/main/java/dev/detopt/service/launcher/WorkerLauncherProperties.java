package dev.detopt.service.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service runs its workers ({@code detopt.workers.*}, e.g. {@code DETOPT_WORKERS_MODE}).
 *
 * @param mode              {@code local} (worker processes on this machine, the default),
 *                          {@code kubernetes} (a worker Deployment scaled to queued work),
 *                          {@code slurm} (worker batch jobs, {@link SlurmLauncherProperties}) or
 *                          {@code none} (workers are started elsewhere)
 * @param reconcileInterval how often the fleet is matched to the queue
 */
@ConfigurationProperties("detopt.workers")
public record WorkerLauncherProperties(
        @DefaultValue("local") Mode mode,
        @DefaultValue("5s") Duration reconcileInterval,
        @DefaultValue Local local,
        @DefaultValue Kubernetes kubernetes) {

    public enum Mode { LOCAL, KUBERNETES, SLURM, NONE }

    /**
     * Worker processes started by the service ({@code java -jar detopt-worker.jar}).
     *
     * @param count              processes to keep running; 0 disables local workers
     * @param jar                the worker jar; unset: {@code worker/target/detopt-worker.jar} or
     *                           {@code detopt-worker.jar} next to the working directory
     * @param threads            simulation threads per process; 0 = the cores divided by count
     * @param checkpointInterval passed to the workers as DETOPT_CHECKPOINT_INTERVAL
     * @param logDirectory       where each worker's output goes ({@code worker-<i>.log})
     * @param restartDelay       pause before a worker that exited is started again
     * @param stopTimeout        how long a worker may take to checkpoint and exit after SIGTERM
     * @param javaOptions        extra JVM options for the worker processes
     * @param token              worker token to pass; unset: the generated local worker token ({@code LocalCredentials})
     * @param onDemand           false: keep {@code count} processes running at all times; true: start
     *                           processes as tasks are queued, up to {@code count}, and stop idle ones
     * @param idleTimeout        with {@code onDemand}: how long the work must stay below the running
     *                           processes before idle ones are stopped (the scale-down delay)
     */
    public record Local(
            @DefaultValue("2") int count,
            Path jar,
            @DefaultValue("0") int threads,
            @DefaultValue("5s") Duration checkpointInterval,
            @DefaultValue(".detopt/workers") Path logDirectory,
            @DefaultValue("2s") Duration restartDelay,
            @DefaultValue("20s") Duration stopTimeout,
            @DefaultValue List<String> javaOptions,
            String token,
            @DefaultValue("false") boolean onDemand,
            @DefaultValue("1m") Duration idleTimeout) {
    }

    /**
     * A worker Deployment in one namespace, scaled to queued work.
     *
     * @param namespace                     namespace of the Deployment (unset: the client's)
     * @param deploymentName                name of the Deployment and value of its app label
     * @param image                         worker image
     * @param imagePullPolicy               Always, IfNotPresent or Never
     * @param serviceUrl                    the service's URL as seen from the worker pods
     * @param minReplicas                   replicas when idle (0 = scale to zero)
     * @param maxReplicas                   upper bound on replicas
     * @param tasksPerReplica               queued or leased tasks that justify one replica
     * @param scaleDownDelay                how long the work must stay below the current size
     *                                      before replicas are removed
     * @param threads                       DETOPT_WORKER_THREADS (0: all cores of the pod)
     * @param cpuRequest                    container resources; empty strings are left out
     * @param cpuLimit                      container resources
     * @param memoryRequest                 container resources
     * @param memoryLimit                   container resources
     * @param nodeSelector                  e.g. {@code cloud.google.com/gke-spot: "true"}
     * @param tolerations                   e.g. the spot taint of the node pool
     * @param terminationGracePeriodSeconds time between SIGTERM and SIGKILL
     * @param priorityClassName             scheduling priority (unset: none)
     * @param serviceAccountName            pod service account (unset: default)
     * @param tokenSecret                   Secret holding the worker token
     * @param tokenSecretKey                key of the token in that Secret
     * @param s3Endpoint                    checkpoint store as seen from the pods
     * @param s3Bucket                      checkpoint bucket
     * @param s3Region                      S3 signing region
     * @param s3Secret                      Secret with the S3 keys (unset: no S3 credentials passed)
     * @param s3AccessKeyKey                key of the access key in that Secret
     * @param s3SecretKeyKey                key of the secret key in that Secret
     * @param checkpointInterval            DETOPT_CHECKPOINT_INTERVAL of the pods
     * @param labels                        extra pod labels
     * @param annotations                   extra pod annotations
     * @param affinity                      pod affinity as YAML or JSON of a core/v1 {@code Affinity}
     *                                      (node, pod and pod anti-affinity); unset: none
     * @param javaOpts                      JAVA_OPTS of the worker container; unset: the image's default
     * @param extraEnv                      more container environment variables, YAML or JSON of a list
     *                                      of core/v1 {@code EnvVar} ({@code name} with {@code value} or
     *                                      {@code valueFrom}); names the launcher sets are refused
     * @param podSecurityContext            YAML or JSON of the pod's core/v1 {@code PodSecurityContext};
     *                                      {@code {}} for none
     * @param securityContext               YAML or JSON of the container's core/v1 {@code SecurityContext};
     *                                      {@code {}} for none. A read-only root filesystem works: the
     *                                      pod gets an emptyDir at /tmp
     * @param imagePullSecrets              names of Secrets with registry credentials
     */
    public record Kubernetes(
            String namespace,
            @DefaultValue("detopt-worker") String deploymentName,
            @DefaultValue("ghcr.io/detopt/detopt-worker:latest") String image,
            @DefaultValue("IfNotPresent") String imagePullPolicy,
            @DefaultValue("http://detopt-optimizer-service:8080") String serviceUrl,
            @DefaultValue("0") int minReplicas,
            @DefaultValue("10") int maxReplicas,
            @DefaultValue("1") int tasksPerReplica,
            @DefaultValue("2m") Duration scaleDownDelay,
            @DefaultValue("0") int threads,
            @DefaultValue("2") String cpuRequest,
            @DefaultValue("2") String cpuLimit,
            @DefaultValue("1Gi") String memoryRequest,
            @DefaultValue("1Gi") String memoryLimit,
            @DefaultValue Map<String, String> nodeSelector,
            @DefaultValue List<Toleration> tolerations,
            @DefaultValue("60") long terminationGracePeriodSeconds,
            String priorityClassName,
            String serviceAccountName,
            @DefaultValue("detopt-worker-token") String tokenSecret,
            @DefaultValue("token") String tokenSecretKey,
            String s3Endpoint,
            @DefaultValue("detopt") String s3Bucket,
            @DefaultValue("us-east-1") String s3Region,
            String s3Secret,
            @DefaultValue("access-key") String s3AccessKeyKey,
            @DefaultValue("secret-key") String s3SecretKeyKey,
            @DefaultValue("5s") Duration checkpointInterval,
            @DefaultValue Map<String, String> labels,
            @DefaultValue Map<String, String> annotations,
            String affinity,
            String javaOpts,
            String extraEnv,
            @DefaultValue(DEFAULT_POD_SECURITY_CONTEXT) String podSecurityContext,
            @DefaultValue(DEFAULT_SECURITY_CONTEXT) String securityContext,
            @DefaultValue List<String> imagePullSecrets) {

        /** The worker image's user (uid 10001), never root, the runtime's seccomp profile. */
        public static final String DEFAULT_POD_SECURITY_CONTEXT =
                "{runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}";
        /** Nothing the worker does needs privileges or a writable image. */
        public static final String DEFAULT_SECURITY_CONTEXT =
                "{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}";
    }

    /** A pod toleration ({@code operator} Equal or Exists; empty effect = all effects). */
    public record Toleration(String key, @DefaultValue("Equal") String operator, String value, String effect) {
    }
}
