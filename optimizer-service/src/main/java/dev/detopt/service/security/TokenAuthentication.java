package dev.detopt.service.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An authenticated request: the token's principal and its one role as authority. */
public final class TokenAuthentication extends AbstractAuthenticationToken {

    private final TokenPrincipal principal;

    public TokenAuthentication(TokenPrincipal principal) {
        super(List.of(principal.role().authority()));
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public TokenPrincipal getPrincipal() {
        return principal;
    }

    /** Never exposes the token itself. */
    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return principal.name();
    }
}
