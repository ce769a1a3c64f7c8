package dev.detopt.service.launcher;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.security.LocalCredentials;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/** What every worker process a launcher starts is told, whichever launcher (local or Slurm) starts it. */
final class WorkerEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerEnvironment.class);

    private WorkerEnvironment() {
    }

    /** The port this service listens on (the bound one once the web server runs). */
    static String servicePort(Environment spring) {
        return spring.getProperty("local.server.port", spring.getProperty("server.port", "8080"));
    }

    /**
     * {@code DETOPT_WORKER_TOKEN}: the launcher's configured token, else the local credentials' worker
     * token; without either the workers start without one and are refused, so say so.
     */
    static void putWorkerToken(Map<String, String> env, String configured, ObjectProvider<LocalCredentials> tokens,
                               String workers, String property) {
        String token = configured;
        if (token == null || token.isBlank()) {
            LocalCredentials credentials = tokens.getIfAvailable();
            token = credentials == null ? null : credentials.workerToken().orElse(null);
        }
        if (token == null || token.isBlank()) {
            LOG.warn("no worker token for {} (no local credentials, {} unset)", workers, property);
        } else {
            env.put("DETOPT_WORKER_TOKEN", token);
        }
    }

    /** {@code DETOPT_S3_*}: the service's own S3 store, when one is configured. */
    static void putS3(Map<String, String> env, DetoptProperties.S3 s3) {
        if (s3.configured()) {
            env.put("DETOPT_S3_ENDPOINT", s3.endpoint());
            env.put("DETOPT_S3_REGION", s3.region());
            env.put("DETOPT_S3_BUCKET", s3.bucket());
            env.put("DETOPT_S3_ACCESS_KEY", s3.accessKey() == null ? "" : s3.accessKey());
            env.put("DETOPT_S3_SECRET_KEY", s3.secretKey() == null ? "" : s3.secretKey());
        }
    }
}
