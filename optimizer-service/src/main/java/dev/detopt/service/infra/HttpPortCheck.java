package dev.detopt.service.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import org.springframework.core.env.Environment;

/**
 * Checks, before anything is started, that the HTTP port is free: with the port taken, the service
 * would otherwise start PostgreSQL, S3 and Flyway and only then fail in Tomcat. Done by the command-line
 * entry point only ({@link #ENABLED_PROPERTY}), since tests that run no web server must not care.
 */
public final class HttpPortCheck {

    public static final String ENABLED_PROPERTY = "detopt.startup.check-port";

    private HttpPortCheck() {
    }

    static void requireFree(Environment environment) {
        if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, false)) {
            return;
        }
        int port = environment.getProperty("server.port", Integer.class, 8080);
        if (port <= 0) {
            return; // a free port is chosen by the server itself
        }
        String address = environment.getProperty("server.address");
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Tomcat binds: a port in TIME_WAIT is not taken
            probe.bind(new InetSocketAddress(address == null || address.isBlank() ? null : InetAddress.getByName(address), port));
        } catch (UnknownHostException e) {
            return; // Tomcat reports a bad server.address in its own words
        } catch (IOException e) {
            throw new HttpPortTakenException(port, address);
        }
    }

    /** The configured HTTP port is in use by another program. */
    public static final class HttpPortTakenException extends RuntimeException {

        private final int port;

        HttpPortTakenException(int port, String address) {
            super("HTTP port " + port + (address == null || address.isBlank() ? "" : " on " + address) + " is already in use");
            this.port = port;
        }

        public int port() {
            return port;
        }
    }
}
