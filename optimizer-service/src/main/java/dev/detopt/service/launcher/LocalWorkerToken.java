package dev.detopt.service.launcher;

import dev.detopt.service.security.LocalCredentials;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Local worker processes authenticate with the worker token the security module generates in local mode. */
@Configuration(proxyBeanMethods = false)
public class LocalWorkerToken {

    @Bean
    WorkerTokenSource workerTokenSource(LocalCredentials credentials) {
        return () -> credentials.workerToken().orElse(null);
    }
}
