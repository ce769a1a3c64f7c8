package dev.detopt.storage;

import java.util.Objects;

/**
 * Where the S3-compatible store is and how to sign requests to it.
 *
 * @param endpoint  base URL, e.g. {@code http://localhost:9000}
 * @param region    signing region; S3-compatible stores accept {@code us-east-1}
 * @param bucket    bucket holding all detopt objects
 * @param accessKey access key id
 * @param secretKey secret access key
 */
public record S3Settings(String endpoint, String region, String bucket, String accessKey, String secretKey) {

    public static final String DEFAULT_REGION = "us-east-1";

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
    }

    @Override
    public String toString() {
        // Never print the secret.
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket
                + ", accessKey=" + accessKey + "]";
    }
}
