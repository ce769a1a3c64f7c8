package dev.detopt.service.dashboard;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard's own files, mapped explicitly so they are served whether or not Spring Boot's
 * default static mappings are on: its modules and styles ({@code static/assets/dashboard/}), the
 * example specs ({@code static/assets/examples/}, listed by {@link DashboardExamplesController})
 * and the uPlot WebJar ({@code /webjars/uplot/...}). These patterns are more specific than a
 * general {@code /assets/**} mapping, so they win over it. The security rules must let anonymous
 * GETs through to {@code /assets/**} and {@code /webjars/**}: a browser loads scripts without the
 * bearer token.
 */
@Configuration(proxyBeanMethods = false)
public class DashboardResources implements WebMvcConfigurer {

    public static final String[] PATHS = {"/assets/dashboard/**", "/assets/examples/**", "/webjars/**"};

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/dashboard/**").addResourceLocations("classpath:/static/assets/dashboard/");
        registry.addResourceHandler("/assets/examples/**").addResourceLocations("classpath:/static/assets/examples/");
        registry.addResourceHandler("/webjars/**").addResourceLocations("classpath:/META-INF/resources/webjars/");
    }
}
