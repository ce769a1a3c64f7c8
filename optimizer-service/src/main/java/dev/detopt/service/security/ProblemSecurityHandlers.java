package dev.detopt.service.security;

import dev.detopt.service.web.problem.ProblemResponseWriter;
import dev.detopt.service.web.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

/** 401 and 403 as problem documents, with the RFC 6750 {@code WWW-Authenticate} header on 401. */
@Component
public class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ProblemResponseWriter writer;

    public ProblemSecurityHandlers(ProblemResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException error)
            throws IOException {
        boolean badToken = error instanceof BadCredentialsException;
        String detail = badToken ? error.getMessage() : "this endpoint needs a bearer token (Authorization: Bearer <token>)";
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, badToken
                ? "Bearer realm=\"detopt\", error=\"invalid_token\", error_description=\"" + error.getMessage() + "\""
                : "Bearer realm=\"detopt\"");
        writer.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail,
                List.of(new dev.detopt.service.web.ApiProblem.FieldError(HttpHeaders.AUTHORIZATION, detail)),
                request.getRequestURI()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException error)
            throws IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        String who = authentication instanceof TokenAuthentication token
                ? "role " + token.getPrincipal().role().wireName() : "this token";
        writer.write(response, Problems.ofStatus(HttpStatus.FORBIDDEN,
                who + " may not " + request.getMethod() + " " + request.getRequestURI(), request.getRequestURI()));
    }
}
