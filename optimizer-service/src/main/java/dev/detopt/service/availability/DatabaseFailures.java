package dev.detopt.service.availability;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Whether an error means "PostgreSQL cannot be reached right now" (as opposed to a bug or a bad
 * statement): no connection within the pool's timeout, a refused or broken connection, or a
 * server that is shutting down or starting up.
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    public static boolean unreachable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof SQLException sql && connectionState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 08 (connection exception) and 57P01–57P03 (admin shutdown, crash shutdown,
     * cannot connect now), PostgreSQL's codes for a server going away or not yet accepting.
     */
    static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
