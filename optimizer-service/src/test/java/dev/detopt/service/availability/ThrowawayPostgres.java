package dev.detopt.service.availability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL from Debian's packages ({@code /usr/lib/postgresql/<major>/bin}, installed by
 * {@code .ci/install-postgresql.sh}) as a throw-away cluster: {@code initdb} in a temporary
 * directory, {@code pg_ctl} on a free loopback port, no Unix socket. PostgreSQL refuses to run as
 * root, so under root every command runs as the {@code postgres} user ({@code runuser}). The
 * outage tests stop it ({@link #stopFast}), kill it ({@link #killNine}) and start it again.
 */
final class ThrowawayPostgres implements AutoCloseable {
    static final String DATABASE = "detopt";
    static final String USER = "postgres";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path directory;
    private final Path data;
    private final int port;

    private ThrowawayPostgres(Path bin, Path directory, int port) {
        this.bin = bin;
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = port;
    }

    /** The newest major version Debian installed. */
    static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no /usr/lib/postgresql/*/bin/initdb: run .ci/install-postgresql.sh"));
        } catch (IOException e) {
            throw new IllegalStateException("no /usr/lib/postgresql: run .ci/install-postgresql.sh", e);
        }
    }

    /** A new cluster with the database {@value #DATABASE}, not running, with a free port chosen for it. */
    static ThrowawayPostgres initialise() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("detopt-postgres-");
        if (ROOT) {
            UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(directory, users.lookupPrincipalByName(USER));
        }
        ThrowawayPostgres cluster = new ThrowawayPostgres(binaries(), directory, freePort());
        cluster.run("initdb", "-D", cluster.data.toString(), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync");
        // The database exists before anyone may connect to it: a waiting service must find it at once.
        cluster.start();
        cluster.stopFast();
        return cluster;
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** Starts (after a crash: recovers) and waits until it accepts connections; creates the database the first time. */
    void start() throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-l", directory.resolve("postgres.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off",
                "start");
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "");
             Statement statement = connection.createStatement()) {
            if (!statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'").next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL started but does not answer on port " + port, e);
        }
    }

    /** {@code pg_ctl stop -m fast}: open sessions are ended, the server shuts down cleanly. */
    void stopFast() throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    /** SIGKILL to the postmaster and every backend, as the kernel's OOM killer or a lost node would. */
    void killNine() throws IOException {
        long pid = postmasterPid();
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL process " + process.pid() + " survived SIGKILL", e);
            }
        }
    }

    long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII).getFirst().trim());
    }

    boolean running() {
        try {
            return ProcessHandle.of(postmasterPid()).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    String log() {
        try {
            return Files.readString(directory.resolve("postgres.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws Exception {
        if (running()) {
            try {
                run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
            } catch (RuntimeException e) {
                killNine();
            }
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private void run(String program, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (ROOT) {
            command.addAll(List.of("runuser", "-u", USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output + "\n" + log());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
