package dev.detopt.service.queue;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on the lease sweeper (and the other scheduled loop jobs). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class QueueConfiguration {
}
