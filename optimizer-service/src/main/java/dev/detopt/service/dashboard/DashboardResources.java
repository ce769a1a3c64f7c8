package dev.detopt.service.dashboard;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard's own files, mapped explicitly so they are served whether or not Spring Boot's
 * default static mappings are on: its modules and styles ({@code static/assets/dashboard/}), the
 * example specs ({@code static/assets/examples/}, listed by {@link DashboardExamplesController})
 * and the uPlot WebJar's files ({@code /assets/vendor/uplot/<version>/dist/...}). Serving the WebJar
 * under {@code /assets/} too means the one security rule that opens the dashboard's static files
 * to anonymous GETs (a browser loads scripts without the bearer token) covers the charts as well.
 * These patterns are more specific than a general {@code /assets/**} mapping, so they win over it.
 */
@Configuration(proxyBeanMethods = false)
public class DashboardResources implements WebMvcConfigurer {

    public static final String[] PATHS = {"/assets/dashboard/**", "/assets/examples/**", "/assets/vendor/uplot/**"};

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/dashboard/**").addResourceLocations("classpath:/static/assets/dashboard/");
        registry.addResourceHandler("/assets/examples/**").addResourceLocations("classpath:/static/assets/examples/");
        registry.addResourceHandler("/assets/vendor/uplot/**").addResourceLocations("classpath:/META-INF/resources/webjars/uplot/");
    }
}
