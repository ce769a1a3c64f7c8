package dev.detopt.service.launcher;

import dev.detopt.service.ApiClient;
import dev.detopt.service.OptimizerServiceApplication;
import dev.detopt.service.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole service with {@code detopt.workers.mode=slurm} on a real {@link SingleNodeSlurm}, as the
 * Slurm launcher tests start it once per class: the embedded stack in the test's directory, short
 * leases and a quick reconcile loop, and worker jobs running the real WorkerMain from the test's
 * class path (1 core, 400 MB, a 15 min time limit, idle after 4 s, a checkpoint every 300 ms), whose
 * output goes to a job log directory emptied first. A test adds what it varies (grace, max-workers,
 * partition, ...) as further {@code --detopt.workers.slurm.*} arguments; each key only once.
 */
final class SlurmModeService implements AutoCloseable {
    private static final String TOKENS = "admin:" + TestTokens.ADMIN + ",operator:" + TestTokens.OPERATOR + ",viewer:"
            + TestTokens.VIEWER + ",worker:" + TestTokens.WORKER;

    final SingleNodeSlurm slurm;
    final ConfigurableApplicationContext service;
    final ApiClient api;
    final JdbcTemplate jdbc;

    private SlurmModeService(SingleNodeSlurm slurm, ConfigurableApplicationContext service) {
        this.slurm = slurm;
        this.service = service;
        this.api = new ApiClient(((WebServerApplicationContext) service).getWebServer().getPort());
        this.jdbc = service.getBean(JdbcTemplate.class);
    }

    static SlurmModeService start(Path directory, String jobName, Path jobLogs, String... settings) throws Exception {
        SingleNodeSlurm slurm = new SingleNodeSlurm();
        try {
            Files.createDirectories(jobLogs);
            try (var old = Files.list(jobLogs)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            List<String> arguments = new ArrayList<>(List.of(
                    "--server.port=0",
                    "--detopt.embedded.directory=" + directory.resolve("stack"),
                    "--detopt.embedded.persistent=false",
                    "--detopt.embedded.s3-port=0",
                    "--detopt.loop.lease-seconds=10",
                    "--detopt.loop.heartbeat-seconds=1",
                    "--detopt.loop.sweep-interval=200ms",
                    "--detopt.security.static-tokens=" + TOKENS,
                    "--detopt.workers.mode=slurm",
                    "--detopt.workers.reconcile-interval=300ms",
                    "--detopt.workers.slurm.slurm-conf=" + slurm.conf,
                    "--detopt.workers.slurm.jobcomp-file=" + slurm.jobcomp,
                    "--detopt.workers.slurm.jar=" + WorkerJarOnClassPath.create(directory),
                    "--detopt.workers.slurm.java=" + Path.of(System.getProperty("java.home"), "bin", "java"),
                    "--detopt.workers.slurm.java-options=-Xmx192m,-XX:+UseSerialGC",
                    "--detopt.workers.slurm.job-name=" + jobName,
                    "--detopt.workers.slurm.time-limit=15m",
                    "--detopt.workers.slurm.cores-per-worker=1",
                    "--detopt.workers.slurm.memory=400M",
                    "--detopt.workers.slurm.idle-timeout=4s",
                    "--detopt.workers.slurm.token=" + TestTokens.WORKER,
                    "--detopt.workers.slurm.checkpoint-interval=300ms",
                    "--detopt.workers.slurm.log-directory=" + jobLogs));
            arguments.addAll(List.of(settings));
            return new SlurmModeService(slurm,
                    new SpringApplicationBuilder(OptimizerServiceApplication.class).run(arguments.toArray(String[]::new)));
        } catch (Exception | Error e) {
            slurm.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            service.close();
        } finally {
            slurm.close();
        }
    }
}
