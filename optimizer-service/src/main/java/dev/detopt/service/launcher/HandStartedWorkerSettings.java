package dev.detopt.service.launcher;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.infra.EmbeddedInfrastructure;
import dev.detopt.service.security.LocalCredentials;
import dev.detopt.service.security.TokenBootstrap;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Local mode (an embedded database, or local workers with an external one), persistent: writes {@code worker.env} next to the worker token
 * (owner-only), with everything a worker started by hand needs (service address, worker token, the
 * embedded S3 store with its per-start secret), as {@code NAME='value'} lines a shell can source.
 * Rewritten at every start, since the S3 secret and port change.
 */
@Component
public class HandStartedWorkerSettings {

    public static final String FILE_NAME = "worker.env";
    private static final Logger LOG = LoggerFactory.getLogger(HandStartedWorkerSettings.class);

    private final ObjectProvider<EmbeddedInfrastructure> embedded;
    private final ObjectProvider<LocalCredentials> tokens;
    private final WorkerLauncherProperties launcher;
    private final DetoptProperties detopt;
    private final Environment environment;

    public HandStartedWorkerSettings(ObjectProvider<EmbeddedInfrastructure> embedded, ObjectProvider<LocalCredentials> tokens,
                                     WorkerLauncherProperties launcher, DetoptProperties detopt, Environment environment) {
        this.embedded = embedded;
        this.tokens = tokens;
        this.launcher = launcher;
        this.detopt = detopt;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void write() {
        EmbeddedInfrastructure infrastructure = embedded.getIfAvailable();
        boolean embeddedDatabase = infrastructure != null && infrastructure.postgres().isPresent();
        boolean localWorkers = launcher.mode() == WorkerLauncherProperties.Mode.LOCAL;
        if (!(embeddedDatabase || localWorkers) || !detopt.embedded().persistent()) {
            return;
        }
        Map<String, String> settings = WorkerLauncherConfiguration.localEnvironment(launcher.local(), detopt, environment, tokens);
        Path file = detopt.embedded().directory().resolve(FILE_NAME).toAbsolutePath();
        if (TokenBootstrap.writePrivate(file, shellAssignments(settings))) {
            LOG.info("A worker started by hand uses {}: set -a; . {}; set +a; java -jar worker/target/detopt-worker.jar", file, file);
        }
    }

    /** {@code NAME='value'} per line; a single quote inside a value is written as {@code '\''}. */
    static String shellAssignments(Map<String, String> settings) {
        return settings.entrySet().stream()
                .map(entry -> entry.getKey() + "='" + entry.getValue().replace("'", "'\\''") + "'")
                .collect(Collectors.joining("\n"));
    }
}
