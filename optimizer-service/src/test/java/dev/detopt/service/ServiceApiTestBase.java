package dev.detopt.service;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shared start of a {@link ServiceTest} class that drives the whole service over HTTP, often with
 * in-test {@link TestWorker}s: {@link #api} on the service's port and {@link #jdbc} on its database.
 * Before each test every study left running or paused is cancelled, because test classes share one
 * service and one queue and a test's workers should see only its own tasks. A subclass still carries
 * {@code @ServiceTest}; its own {@code @BeforeEach} methods run after this one.
 */
public abstract class ServiceApiTestBase {
    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    protected ApiClient api;

    @BeforeEach
    protected final void connectAndCancelActiveStudies() {
        api = new ApiClient(port);
        api.cancelActiveStudies();
    }
}
