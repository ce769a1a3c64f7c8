package dev.detopt.service.launcher;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.service.security.LocalCredentials;
import dev.detopt.service.queue.TaskQueue;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The worker launcher chosen by {@code detopt.workers.mode} and the fleet that drives it. */
@Configuration(proxyBeanMethods = false)
public class WorkerLauncherConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLauncherConfiguration.class);

    @Bean
    WorkerEvents workerEvents(ObjectProvider<MeterRegistry> meters, ObjectProvider<TaskQueue> queue) {
        return new LoggedWorkerEvents(meters.getIfAvailable(), (worker, reason) -> {
            TaskQueue tasks = queue.getIfAvailable();
            return tasks == null ? 0 : tasks.requeueLeasesOfLostWorker(worker, reason);
        });
    }

    /** On Kubernetes, accounting prices a worker's node by its labels (detopt.accounting.spot-node-labels). */
    @Bean
    dev.detopt.service.accounting.NodeLabels nodeLabels(WorkerLauncherProperties properties) {
        return properties.mode() == WorkerLauncherProperties.Mode.KUBERNETES ? new KubernetesNodeLabels(kubernetesClient())
                : dev.detopt.service.accounting.NodeLabels.NONE;
    }

    @Bean
    WorkerFleet workerFleet(WorkerLauncherProperties properties, DetoptProperties detopt, Environment environment,
                            WorkerEvents events, ObjectProvider<WorkerDemand> demand,
                            ObjectProvider<SimulatorImagePools> imagePools,
                            ObjectProvider<LocalCredentials> tokens, SlurmLauncherProperties slurm) {
        WorkerLauncher launcher = switch (properties.mode()) {
            case LOCAL -> new LocalWorkerLauncher(properties.local(),
                    () -> localEnvironment(properties.local(), detopt, environment, tokens), events);
            case KUBERNETES -> new KubernetesWorkerLauncher(kubernetesClient(), properties.kubernetes(), events,
                    Clock.systemUTC(), imagePools.getIfAvailable(() -> SimulatorImagePools.NONE));
            case SLURM -> new SlurmWorkerLauncher(slurm, () -> SlurmWorkerLauncher.environment(slurm, detopt, environment,
                    tokens), events);
            case NONE -> new NoWorkers();
        };
        return new WorkerFleet(launcher, demand.getIfAvailable(), properties.reconcileInterval());
    }

    private static KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    /** What a local worker needs: this service's address, a worker token and the S3 store. */
    static Map<String, String> localEnvironment(WorkerLauncherProperties.Local local, DetoptProperties detopt,
                                                Environment environment, ObjectProvider<LocalCredentials> tokens) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DETOPT_SERVICE_URL", "http://127.0.0.1:" + WorkerEnvironment.servicePort(environment));
        String simulators = environment.getProperty("detopt.simulators", "");
        if (!simulators.isBlank()) {
            // local workers run the registered programs of the same registry file
            env.put("DETOPT_SIMULATORS", java.nio.file.Path.of(simulators).toAbsolutePath().toString());
        }
        WorkerEnvironment.putWorkerToken(env, local.token(), tokens, "local workers", "detopt.workers.local.token");
        WorkerEnvironment.putS3(env, detopt.s3());
        return env;
    }

    /** Mode {@code none}: workers are run by someone else. */
    static final class NoWorkers implements WorkerLauncher {
        @Override
        public String mode() {
            return "none";
        }

        @Override
        public void start() {
            LOG.info("detopt.workers.mode=none: the service starts no workers");
        }

        @Override
        public void reconcile(WorkerDemand.Demand work) {
        }

        @Override
        public List<WorkerInstance> instances() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }
}
