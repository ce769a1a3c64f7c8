package dev.detopt.service.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Making and hashing bearer tokens. A token is {@value #PREFIX} followed by 256 random bits in
 * URL-safe base64; the prefix lets secret scanners recognise leaked tokens. Only the SHA-256 hash
 * is ever stored: with 256 bits of entropy there is nothing to guess, so a slow password hash
 * (bcrypt, argon2) would add cost per request and no security.
 */
public final class BearerTokens {

    public static final String PREFIX = "dtp_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private BearerTokens() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the token's UTF-8 bytes (32 bytes). */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
