package dev.detopt.service.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard's static files, served from {@code classpath:/static/} under these paths only
 * (Spring Boot's catch-all {@code /**} resource mapping is switched off in application.properties,
 * so that an unknown API route is a 404 and not a 405 from the resource handler). The security
 * configuration opens exactly these paths.
 */
@Configuration(proxyBeanMethods = false)
public class StaticResources implements WebMvcConfigurer {

    public static final String[] PATHS = {
            "/", "/index.html", "/assets/**", "/*.js", "/*.css", "/*.map", "/*.ico", "/*.svg", "/*.png"};

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(java.util.Arrays.stream(PATHS).filter(path -> !path.equals("/")).toArray(String[]::new))
                .addResourceLocations("classpath:/static/");
    }
}
