package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real single-node Slurm cluster for tests: Debian's slurm-wlm 22.05 and munge (installed by
 * {@code .ci/install-slurm.sh}), with munged, slurmctld and slurmd started here as child processes
 * on 127.0.0.1, on free ports, with their own key, state, spool and {@code slurm.conf} in a fresh
 * directory (nothing under /etc is touched). Job ends are also logged by jobcomp/filetxt. Needs
 * root, like the daemons' packaged services. Missing binaries fail the test with a clear message.
 */
final class SingleNodeSlurm implements AutoCloseable {
    static final List<String> PROGRAMS = List.of("/usr/sbin/munged", "/usr/sbin/mungekey", "/usr/sbin/slurmctld",
            "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/scancel", "/usr/bin/scontrol",
            "/usr/bin/sinfo");

    final Path directory;
    final Path conf;
    final Path jobcomp;
    private final List<Process> daemons = new ArrayList<>();
    private final Thread cleanup = new Thread(this::stopDaemons, "slurm-test-cleanup");

    SingleNodeSlurm() throws Exception {
        for (String program : PROGRAMS) {
            assertThat(Path.of(program)).as("%s is missing: run .ci/install-slurm.sh (as root) first; the Slurm launcher "
                    + "is tested against a real single-node Slurm", program).isExecutable();
        }
        // Short, world-searchable path: munge's socket path has a length limit.
        directory = Files.createTempDirectory(Path.of("/tmp"), "detopt-slurm-");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String sub : List.of("state", "spool", "log")) {
            Files.createDirectories(directory.resolve(sub));
        }
        Runtime.getRuntime().addShutdownHook(cleanup);
        exec(List.of("/usr/sbin/mungekey", "--create", "--keyfile=" + directory.resolve("munge.key"), "--bits=1024"));
        Path socket = directory.resolve("munge.sock");
        daemon(List.of("/usr/sbin/munged", "--foreground", "--force", "--socket=" + socket,
                "--key-file=" + directory.resolve("munge.key"), "--log-file=" + directory.resolve("log/munged.log"),
                "--pid-file=" + directory.resolve("munged.pid"), "--seed-file=" + directory.resolve("munged.seed")), "munged");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(socket));

        conf = directory.resolve("slurm.conf");
        jobcomp = directory.resolve("log/jobcomp.txt");
        Files.writeString(conf, String.join("\n",
                "ClusterName=detopttest",
                "SlurmctldHost=localhost(127.0.0.1)",
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "SlurmUser=root",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                "CredType=cred/munge",
                "AuthInfo=socket=" + socket,
                "StateSaveLocation=" + directory.resolve("state"),
                "SlurmdSpoolDir=" + directory.resolve("spool"),
                "SlurmctldPidFile=" + directory.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + directory.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + directory.resolve("log/slurmctld.log"),
                "SlurmdLogFile=" + directory.resolve("log/slurmd.log"),
                "ProctrackType=proctrack/pgid",
                "TaskPlugin=task/none",
                "MpiDefault=none",
                "SchedulerType=sched/backfill",
                "SchedulerParameters=sched_interval=1",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "JobCompType=jobcomp/filetxt",
                "JobCompLoc=" + jobcomp,
                "ReturnToService=2",
                "SlurmdParameters=config_overrides",
                "KillWait=20",
                "MinJobAge=300",
                "NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=2 RealMemory=4000 State=UNKNOWN",
                "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
                ""), StandardCharsets.UTF_8);
        daemon(List.of("/usr/sbin/slurmctld", "-D", "-c", "-f", conf.toString()), "slurmctld");
        daemon(List.of("/usr/sbin/slurmd", "-D", "-N", "localhost", "-f", conf.toString()), "slurmd");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> exec(List.of("/usr/bin/sinfo", "--noheader", "--format=%T")).strip().equals("idle"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void daemon(List<String> command, String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("log/" + name + ".out").toFile());
        builder.environment().put("SLURM_CONF", directory.resolve("slurm.conf").toString());
        daemons.add(builder.start());
    }

    /** Runs a Slurm command against this cluster; its output, or an AssertionError with it. */
    String exec(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SLURM_CONF", directory.resolve("slurm.conf").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** {@code key: state} of every job of this name, ended ones included. */
    Map<String, String> jobs(String name) throws IOException, InterruptedException {
        return exec(List.of("/usr/bin/squeue", "--noheader", "--array", "--states=all", "--name=" + name, "--format=%i %T"))
                .lines().map(line -> line.trim().split(" ")).filter(parts -> parts.length == 2)
                .collect(Collectors.toMap(parts -> parts[0], parts -> parts[1], (a, b) -> b, TreeMap::new));
    }

    /** The daemons' logs, for failure messages. */
    String logs() {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(directory.resolve("log"))) {
            for (Path file : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                text.append("==> ").append(file).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            }
        } catch (IOException e) {
            text.append(e);
        }
        return text.toString();
    }

    private void stopDaemons() {
        // slurmd and slurmctld first, munged (their authentication) last.
        for (Process daemon : daemons.reversed()) {
            daemon.destroy();
            try {
                if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            } catch (InterruptedException e) {
                daemon.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException {
        // slurmstepd outlives slurmd: end every job of this cluster first.
        try {
            exec(List.of("/usr/bin/scancel", "--user=" + System.getProperty("user.name")));
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> exec(List.of(
                    "/usr/bin/squeue", "--noheader", "--format=%i")).isBlank());
        } catch (Exception | AssertionError e) {
            System.err.println("could not end the test cluster's jobs: " + e);
        }
        stopDaemons();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
