package dev.detopt.service.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server run from the binaries in the zonky jars. With a data directory it keeps
 * its data between runs; without one it uses a fresh temporary directory that is deleted on close.
 *
 * <p>The postmaster does not watch its parent, so each server gets a {@link PostmasterWatchdog}: a
 * small child process that shuts PostgreSQL down when this JVM is gone, even after {@code kill -9}.
 * Should that watchdog be gone too (the whole process group killed), starting again on the same
 * data directory finds the orphan through {@code postmaster.pid}, shuts it down cleanly and takes
 * over the data. A data directory that a live service is using is refused instead.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String DATABASE = "detopt";
    public static final String USER = "postgres";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_SHUTDOWN_WAIT = Duration.ofSeconds(30);
    /** zonky holds an OS file lock on this file in the data directory while its server runs. */
    private static final String ZONKY_LOCK_FILE = "epg-lock";

    private final EmbeddedPostgres postgres;
    private final Optional<Path> dataDirectory;
    private OptionalLong stoppedOrphan = OptionalLong.empty();
    private PostmasterWatchdog watchdog;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Optional<Path> dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /** Starts on {@code dataDirectory} (created and initialised on first use), keeping it on close. */
    public static EmbeddedPostgresServer persistent(Path dataDirectory, int port) {
        Path directory = dataDirectory.toAbsolutePath();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the PostgreSQL data directory " + directory, e);
        }
        OptionalLong orphan = stopOrphanedServer(directory);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                // zonky runs PostgreSQL with fsync and synchronous_commit off (test speed);
                // the local default keeps studies across crashes, so both go back on.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                // Group commit: with several transactions in flight, a committing backend waits
                // 100 µs so that one WAL flush (fsync) covers the commits arriving meanwhile.
                // Durability is unchanged: every commit still returns only after its flush.
                .setServerConfig("commit_delay", "100")
                .setServerConfig("commit_siblings", "3")
                // No JVM shutdown hook of its own: it would stop PostgreSQL while the service is still
                // shutting down gracefully (workers checkpointing and releasing). The application
                // context stops it last; a server left by kill -9 is found and stopped on the next start.
                .setRegisterShutdownHook(false);
        EmbeddedPostgresServer server = start(builder, port, Optional.of(directory));
        server.stoppedOrphan = orphan;
        return server;
    }

    /** Starts on a fresh temporary data directory that is deleted on close (tests). */
    public static EmbeddedPostgresServer ephemeral(int port) {
        return start(EmbeddedPostgres.builder(), port, Optional.empty());
    }

    private static EmbeddedPostgresServer start(EmbeddedPostgres.Builder builder, int port, Optional<Path> directory) {
        builder.setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start"
                    + directory.map(d -> " on " + d).orElse(""), e);
        }
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, directory);
        try {
            server.createDatabaseIfMissing();
            server.watchdog = PostmasterWatchdog.watch(server.postmasterPid());
        } catch (SQLException | IOException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot prepare the embedded PostgreSQL (database " + DATABASE + ", watchdog)", e);
        }
        return server;
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                query.setString(1, DATABASE);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            if (!exists) {
                try (Statement create = connection.createStatement()) {
                    create.execute("CREATE DATABASE " + DATABASE);
                }
            }
        }
    }

    /** The postmaster's pid, from {@code postmaster.pid} in the data directory the server reports. */
    public long postmasterPid() throws SQLException, IOException {
        String dataDirectory;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement show = connection.createStatement();
             ResultSet rows = show.executeQuery("SHOW data_directory")) {
            rows.next();
            dataDirectory = rows.getString(1);
        }
        List<String> lines = Files.readAllLines(Path.of(dataDirectory, "postmaster.pid"), StandardCharsets.US_ASCII);
        return Long.parseLong(lines.getFirst().trim());
    }

    /** The process that stops this server should the JVM die (tests). */
    ProcessHandle watchdogProcess() {
        return watchdog.process();
    }

    public int port() {
        return postgres.getPort();
    }

    /** Without credentials in it, so that a second process can use it with DETOPT_DB_USER. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    /** The embedded server trusts local connections; any password is accepted. */
    public String password() {
        return "";
    }

    public Optional<Path> dataDirectory() {
        return dataDirectory;
    }

    /** The pid of a server left running by a killed earlier run that this start shut down, if any. */
    public OptionalLong stoppedOrphan() {
        return stoppedOrphan;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new IllegalStateException("stopping the embedded PostgreSQL", e);
        } finally {
            if (watchdog != null) {
                watchdog.dismiss();
            }
        }
    }

    /**
     * If {@code postmaster.pid} names a live PostgreSQL process while no JVM holds zonky's lock on
     * the data directory, that server was left behind by a killed JVM: ask it to shut down
     * (SIGTERM: finish and flush) and wait for it. A directory whose lock is held belongs to a
     * running service and is refused.
     */
    static OptionalLong stopOrphanedServer(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return OptionalLong.empty();
        }
        try (FileChannel lockChannel = FileChannel.open(dataDirectory.resolve(ZONKY_LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                throw new IllegalStateException("the PostgreSQL data directory " + dataDirectory
                        + " is in use by another running detopt service; stop it first or set detopt.embedded.directory");
            }
            try {
                return stopServerNamedIn(pidFile, dataDirectory);
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock the PostgreSQL data directory " + dataDirectory, e);
        }
    }

    private static OptionalLong stopServerNamedIn(Path pidFile, Path dataDirectory) {
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (IOException | RuntimeException e) {
            // Unreadable or half-written: PostgreSQL itself decides whether it is stale.
            return OptionalLong.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (process.isEmpty()) {
            return OptionalLong.empty();
        }
        ProcessHandle orphan = process.get();
        orphan.destroy();
        try {
            orphan.onExit().get(ORPHAN_SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL pid " + pid + " on " + dataDirectory
                    + " did not stop within " + ORPHAN_SHUTDOWN_WAIT.toSeconds() + " s; stop it by hand", e);
        }
        return OptionalLong.of(pid);
    }
}
