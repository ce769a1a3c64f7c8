package dev.detopt.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} (RFC 6750). No header: the request goes on
 * anonymously and the authorization rules decide. A malformed header or an unknown or revoked
 * token: 401 at once, even on open paths, so a client learns its token is bad.
 */
public class BearerTokenFilter extends OncePerRequestFilter {

    static final String QUERY_PARAMETER = "access_token";
    private static final String SCHEME = "Bearer ";

    private final ApiTokenService tokens;
    private final AuthenticationEntryPoint entryPoint;
    private final boolean queryTokenForEventStreams;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public BearerTokenFilter(ApiTokenService tokens, AuthenticationEntryPoint entryPoint, boolean queryTokenForEventStreams) {
        this.tokens = tokens;
        this.entryPoint = entryPoint;
        this.queryTokenForEventStreams = queryTokenForEventStreams;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String token;
        if (header != null) {
            if (header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
                entryPoint.commence(request, response,
                        new BadCredentialsException("the Authorization header must be 'Bearer <token>'"));
                return;
            }
            token = header.substring(SCHEME.length()).trim();
        } else {
            token = queryToken(request);
        }
        if (token == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<TokenPrincipal> principal = token.isEmpty() ? Optional.empty() : tokens.authenticate(token);
        if (principal.isEmpty()) {
            entryPoint.commence(request, response, new BadCredentialsException("the bearer token is unknown or revoked"));
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new TokenAuthentication(principal.get()));
        contexts.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.clearContext();
        }
    }

    /** {@code ?access_token=} for a browser's EventSource, which cannot send headers; GET streams only. */
    private String queryToken(HttpServletRequest request) {
        if (!queryTokenForEventStreams || !"GET".equals(request.getMethod())) {
            return null;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE)) {
            return null;
        }
        return request.getParameter(QUERY_PARAMETER);
    }
}
