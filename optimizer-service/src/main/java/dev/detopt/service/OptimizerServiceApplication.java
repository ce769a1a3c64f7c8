package dev.detopt.service;

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
        SpringApplication.run(OptimizerServiceApplication.class, args);
    }
}
