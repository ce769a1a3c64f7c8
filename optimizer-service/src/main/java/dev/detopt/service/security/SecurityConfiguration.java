package dev.detopt.service.security;

import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import dev.detopt.service.web.StaticResources;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Who may call what, by URL and method. Stateless bearer tokens ({@link BearerTokenFilter}); no
 * sessions, no CSRF (clients send tokens, not cookies). 401 and 403 are problem documents
 * ({@link ProblemSecurityHandlers}). Rules, first match wins:
 * <ul>
 *   <li>open: health, Prometheus, info, the OpenAPI document and UI, the dashboard's static files;</li>
 *   <li>GET {@code /api/v1/me}: any valid token (every role says who it is);</li>
 *   <li>GET {@code /api/v1/workers/queue}: worker or admin (launchers, operations);</li>
 *   <li>{@code /api/v1/workers/**}: worker only;</li>
 *   <li>{@code /api/v1/admin/**}: admin;</li>
 *   <li>GET/HEAD {@code /api/**}: viewer, operator, admin;</li>
 *   <li>POST/PUT/PATCH/DELETE {@code /api/v1/studies/**}, POST {@code /api/v1/groups/**}, DELETE {@code /api/v1/groups/**}: operator, admin;</li>
 *   <li>any other write under {@code /api/**}: admin (add a rule above for new write endpoints);</li>
 *   <li>other actuator endpoints: admin; anything else: any valid token.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    static final String[] OPEN_OPERATIONAL = {
            "/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/actuator/info"};
    static final String[] OPEN_API_DOCS = {"/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
            "/swagger-ui.html", "/swagger-ui/**"};

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiTokenService tokens,
            ProblemSecurityHandlers problems, SecurityProperties properties) throws Exception {
        String viewer = Role.VIEWER.name();
        String operator = Role.OPERATOR.name();
        String worker = Role.WORKER.name();
        String admin = Role.ADMIN.name();
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new BearerTokenFilter(tokens, problems, properties.queryTokenForEventStreams()),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        // Error dispatches render the problem of a request already authorized (or refused).
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD, DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(OPEN_OPERATIONAL).permitAll()
                        .requestMatchers(OPEN_API_DOCS).permitAll()
                        .requestMatchers(GET, StaticResources.PATHS).permitAll()
                        .requestMatchers(HEAD, StaticResources.PATHS).permitAll()
                        .requestMatchers(GET, "/api/v1/me").authenticated()
                        .requestMatchers(GET, "/api/v1/workers/queue").hasAnyRole(worker, admin)
                        .requestMatchers("/api/v1/workers", "/api/v1/workers/**").hasRole(worker)
                        .requestMatchers("/api/v1/admin", "/api/v1/admin/**").hasRole(admin)
                        // A registration in full shows its command and environment: admins only.
                        .requestMatchers(GET, "/api/v1/simulators/*").hasRole(admin)
                        .requestMatchers(GET, "/api/**").hasAnyRole(viewer, operator, admin)
                        .requestMatchers(HEAD, "/api/**").hasAnyRole(viewer, operator, admin)
                        .requestMatchers(POST, "/api/v1/studies", "/api/v1/studies/**").hasAnyRole(operator, admin)
                        .requestMatchers(PUT, "/api/v1/studies", "/api/v1/studies/**").hasAnyRole(operator, admin)
                        .requestMatchers(PATCH, "/api/v1/studies", "/api/v1/studies/**").hasAnyRole(operator, admin)
                        .requestMatchers(DELETE, "/api/v1/studies", "/api/v1/studies/**").hasAnyRole(operator, admin)
                        .requestMatchers(POST, "/api/v1/groups", "/api/v1/groups/**").hasAnyRole(operator, admin)
                        .requestMatchers(DELETE, "/api/v1/groups/**").hasAnyRole(operator, admin)
                        .requestMatchers("/api/**").hasRole(admin)
                        .requestMatchers("/actuator/**").hasRole(admin)
                        .anyRequest().authenticated());
        return http.build();
    }
}
