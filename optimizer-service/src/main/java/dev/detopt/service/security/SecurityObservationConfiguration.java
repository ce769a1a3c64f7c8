package dev.detopt.service.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * No Micrometer observation around each security filter, authentication and authorization of
 * every request: they cost a few percent of the service's CPU per worker request and feed no
 * metric or trace detopt uses. The HTTP request metrics ({@code http_server_requests}) stay.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityObservationConfiguration {

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
