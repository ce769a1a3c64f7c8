package dev.detopt.service.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL of the local mode keeps its data across restarts, clean or not. */
class EmbeddedPostgresServerTest {

    @TempDir
    Path directory;

    @Test
    void dataSurvivesACleanRestartOnTheSameDirectory() throws Exception {
        Path data = directory.resolve("postgres");
        try (EmbeddedPostgresServer first = EmbeddedPostgresServer.persistent(data, 0)) {
            execute(first, "CREATE TABLE kept (name text)", "INSERT INTO kept VALUES ('before restart')");
            assertThat(query(first, "SHOW fsync")).containsExactly("on");
        }
        assertThat(Files.exists(data.resolve("postmaster.pid"))).as("server stopped").isFalse();

        try (EmbeddedPostgresServer second = EmbeddedPostgresServer.persistent(data, 0)) {
            assertThat(second.stoppedOrphan()).isEmpty();
            assertThat(query(second, "SELECT name FROM kept")).containsExactly("before restart");
        }
    }

    @Test
    void aKilledJvmTakesItsPostgresqlWithIt() throws Exception {
        Path data = directory.resolve("postgres");
        Process child = startOrphanMaker(data);
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long[] pids = awaitReady(output);
            child.destroyForcibly(); // SIGKILL: no shutdown hooks run; only the watchdog notices
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            ProcessHandle postmaster = ProcessHandle.of(pids[0]).orElseThrow();
            postmaster.onExit().get(30, TimeUnit.SECONDS);
            assertThat(postmaster.isAlive()).as("PostgreSQL ended with its JVM").isFalse();
        }
        try (EmbeddedPostgresServer restarted = EmbeddedPostgresServer.persistent(data, 0)) {
            assertThat(restarted.stoppedOrphan()).as("nothing left to take over").isEmpty();
            assertThat(query(restarted, "SELECT name FROM kept")).containsExactly("written before kill -9");
        }
    }

    @Test
    void aServerOrphanedWithItsWatchdogIsStoppedAndItsDataTakenOver() throws Exception {
        Path data = directory.resolve("postgres");
        Process child = startOrphanMaker(data);
        long orphanPid;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long[] pids = awaitReady(output);
            orphanPid = pids[0];
            // The whole process group killed at once: the watchdog cannot act either.
            ProcessHandle watchdog = ProcessHandle.of(pids[1]).orElseThrow();
            watchdog.destroyForcibly();
            watchdog.onExit().get(30, TimeUnit.SECONDS);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ProcessHandle.of(orphanPid)).as("PostgreSQL outlives the killed JVM and watchdog")
                .hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());

        try (EmbeddedPostgresServer restarted = EmbeddedPostgresServer.persistent(data, 0)) {
            assertThat(restarted.stoppedOrphan()).hasValue(orphanPid);
            assertThat(query(restarted, "SELECT name FROM kept")).containsExactly("written before kill -9");
        }
        assertThat(ProcessHandle.of(orphanPid).filter(ProcessHandle::isAlive)).as("orphan stopped").isEmpty();
    }

    @Test
    void aCleanCloseDismissesTheWatchdog() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.ephemeral(0);
        ProcessHandle watchdog = server.watchdogProcess();
        assertThat(watchdog.isAlive()).isTrue();
        server.close();
        watchdog.onExit().get(30, TimeUnit.SECONDS);
        assertThat(watchdog.isAlive()).isFalse();
    }

    private static Process startOrphanMaker(Path data) throws java.io.IOException {
        return new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                OrphanMaker.class.getName(), data.toString())
                .redirectErrorStream(true)
                .start();
    }

    @Test
    void aDataDirectoryInUseByALiveServerIsRefusedAndLeftAlone() throws Exception {
        Path data = directory.resolve("postgres");
        try (EmbeddedPostgresServer running = EmbeddedPostgresServer.persistent(data, 0)) {
            assertThatThrownBy(() -> EmbeddedPostgresServer.persistent(data, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another running detopt service");
            assertThat(query(running, "SELECT 1")).containsExactly("1");
        }
    }

    @Test
    void ephemeralServerCreatesTheDetoptDatabase() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.ephemeral(0)) {
            assertThat(server.dataDirectory()).isEmpty();
            assertThat(server.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/detopt");
            assertThat(query(server, "SELECT current_database()")).containsExactly("detopt");
        }
    }

    /** The postmaster's and the watchdog's pids, once the child's PostgreSQL is ready. */
    private static long[] awaitReady(BufferedReader output) throws Exception {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = output.readLine()) != null) {
            if (line.startsWith(OrphanMaker.READY)) {
                String[] pids = line.substring(OrphanMaker.READY.length()).trim().split(" watchdog ");
                return new long[] {Long.parseLong(pids[0]), Long.parseLong(pids[1])};
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child JVM ended before its PostgreSQL was ready:\n" + seen);
    }

    static void execute(EmbeddedPostgresServer server, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static List<String> query(EmbeddedPostgresServer server, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** Child JVM: starts PostgreSQL on the given directory, writes a row, reports, then waits to be killed. */
    public static final class OrphanMaker {

        static final String READY = "READY postmaster pid ";

        public static void main(String[] args) throws Exception {
            Path data = Path.of(args[0]);
            EmbeddedPostgresServer server = EmbeddedPostgresServer.persistent(data, 0);
            execute(server, "CREATE TABLE kept (name text)", "INSERT INTO kept VALUES ('written before kill -9')");
            String pid = Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim();
            System.out.println(READY + pid + " watchdog " + server.watchdogProcess().pid());
            System.out.flush();
            Thread.currentThread().join(); // until killed
        }
    }
}
