package dev.detopt.service.web;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;

/**
 * Encoded slashes ({@code %2F}, {@code %5C}) in a path reach the application still encoded,
 * where Spring Security's firewall refuses them with a 400 problem document; Tomcat's own
 * refusal would be an HTML page. Nothing decodes them, so they never address another resource.
 */
@Configuration(proxyBeanMethods = false)
public class TomcatPathHandling implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
        });
    }
}
