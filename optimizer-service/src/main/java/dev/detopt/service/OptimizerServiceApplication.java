package dev.detopt.service;

import dev.detopt.service.infra.HttpPortCheck;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The detopt orchestrator. With no configuration it runs the zero-setup local stack: an embedded
 * PostgreSQL and an in-JVM S3 server under {@code .detopt/} (see
 * {@link dev.detopt.service.infra.EmbeddedInfrastructurePostProcessor}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OptimizerServiceApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application as the command line runs it: the HTTP port is checked before anything starts. */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(OptimizerServiceApplication.class);
        application.setDefaultProperties(Map.of(HttpPortCheck.ENABLED_PROPERTY, "true"));
        return application;
    }
}
