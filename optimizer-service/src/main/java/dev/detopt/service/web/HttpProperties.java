package dev.detopt.service.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code detopt.http.*}.
 *
 * @param maxRequestSize largest request body accepted ({@code DETOPT_HTTP_MAX_REQUEST_SIZE}); a
 *                       larger one gets 413 before anything reads it
 */
@ConfigurationProperties("detopt.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxRequestSize) {
}
