package dev.detopt.service.infra;

import dev.detopt.service.config.DetoptProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** One line when the service is ready, with the port it really listens on, however that was chosen. */
@Component
public class ReadyBanner {

    private static final Logger LOG = LoggerFactory.getLogger(ReadyBanner.class);

    private final Environment environment;
    private final ObjectProvider<EmbeddedInfrastructure> embedded;
    private final DetoptProperties detopt;

    public ReadyBanner(Environment environment, ObjectProvider<EmbeddedInfrastructure> embedded, DetoptProperties detopt) {
        this.environment = environment;
        this.embedded = embedded;
        this.detopt = detopt;
    }

    /** The dashboard's address, from the port the web server bound (server.port 0 included). */
    public String dashboardUrl() {
        return "http://localhost:" + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080")) + "/";
    }

    @EventListener(ApplicationReadyEvent.class)
    public void announce() {
        EmbeddedInfrastructure infrastructure = embedded.getIfAvailable();
        boolean localMode = infrastructure != null && infrastructure.postgres().isPresent() && detopt.embedded().persistent();
        LOG.info("detopt is ready: dashboard and API at {}{}", dashboardUrl(), localMode
                ? " (sign in with the admin token in " + detopt.embedded().directory().resolve("admin-token").toAbsolutePath() + ")"
                : "");
    }
}
