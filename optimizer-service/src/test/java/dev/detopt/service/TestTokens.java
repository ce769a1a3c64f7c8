package dev.detopt.service;

/**
 * Bearer tokens every {@link ServiceTest} context accepts, one per role, configured in
 * application-test.properties through {@code detopt.security.static-tokens}.
 */
public final class TestTokens {
    public static final String ADMIN = "admin-test-token-0123456789";
    public static final String OPERATOR = "operator-test-token-0123456789";
    public static final String VIEWER = "viewer-test-token-0123456789";
    public static final String WORKER = "worker-test-token-0123456789";

    private TestTokens() {
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
