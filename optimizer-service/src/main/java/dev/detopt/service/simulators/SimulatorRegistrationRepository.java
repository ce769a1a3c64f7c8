package dev.detopt.service.simulators;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code simulator_registrations} table (V10): registrations made through the admin API. */
@Repository
public class SimulatorRegistrationRepository {

    /** One stored registration: its JSON as the service validated it, who registered it and when. */
    public record Row(String name, String registrationJson, String registeredBy, Instant registeredAt) {
    }

    private final JdbcTemplate jdbc;

    public SimulatorRegistrationRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the registration; false when the name is taken. */
    public boolean insert(String name, String registrationJson, String registeredBy) {
        try {
            return jdbc.update("INSERT INTO simulator_registrations (name, registration, registered_by)"
                    + " VALUES (?, ?::jsonb, ?) ON CONFLICT (name) DO NOTHING", name, registrationJson, registeredBy) == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    public List<Row> all() {
        return jdbc.query("SELECT name, registration::text, registered_by, registered_at FROM simulator_registrations"
                + " ORDER BY name", SimulatorRegistrationRepository::map);
    }

    /** Deletes the registration; false when there was none. */
    public boolean delete(String name) {
        return jdbc.update("DELETE FROM simulator_registrations WHERE name = ?", name) == 1;
    }

    /** Studies naming the simulator that are not finished yet (their tasks still need the program). */
    public long unfinishedStudies(String name) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM studies WHERE simulator = ?"
                + " AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')", Long.class, name);
        return count == null ? 0 : count;
    }

    private static Row map(ResultSet rs, int row) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
    }
}
