package dev.detopt.service.web;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;

/**
 * Encoded slashes ({@code %2F}, {@code %5C}) in a path reach the application still encoded,
 * where Spring Security's firewall refuses them with a 400 problem document; Tomcat's own
 * refusal would be an HTML page. Nothing decodes them, so they never address another resource.
 * What Tomcat still refuses itself (an encoded NUL) is reported by {@link ProblemErrorReportValve}.
 */
@Configuration(proxyBeanMethods = false)
public class TomcatPathHandling implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
        });
        // Requests Tomcat refuses before any servlet runs get a problem document, not an HTML page.
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }
}
