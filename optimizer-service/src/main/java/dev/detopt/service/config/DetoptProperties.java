package dev.detopt.service.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code detopt.*}; each can also come from an environment variable
 * ({@code detopt.db.url} ← {@code DETOPT_DB_URL}, {@code detopt.s3.access-key} ←
 * {@code DETOPT_S3_ACCESS_KEY}, …). README's configuration section lists them all.
 */
@ConfigurationProperties("detopt")
public record DetoptProperties(
        @DefaultValue Db db,
        @DefaultValue S3 s3,
        @DefaultValue Embedded embedded) {

    /**
     * External PostgreSQL. When {@code url} is empty (and {@code spring.datasource.url} too), the
     * service starts an embedded PostgreSQL instead.
     */
    public record Db(String url, @DefaultValue("detopt") String user, String password) {

        public boolean configured() {
            return url != null && !url.isBlank();
        }
    }

    /**
     * S3-compatible object store. When {@code endpoint} is empty the service starts an in-JVM S3
     * server and fills these in.
     */
    public record S3(
            String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("detopt") String bucket,
            String accessKey,
            String secretKey) {

        public boolean configured() {
            return endpoint != null && !endpoint.isBlank();
        }
    }

    /**
     * The embedded stack of the local mode.
     *
     * @param directory   where PostgreSQL's data ({@code postgres/}) and the objects
     *                    ({@code objects/}) live between runs
     * @param persistent  false: a throw-away database and in-memory objects (tests)
     * @param host        address the embedded S3 server listens on (PostgreSQL: 127.0.0.1 only)
     * @param postgresPort 0 picks a free port
     * @param s3Port      0 picks a free port
     */
    public record Embedded(
            @DefaultValue(".detopt") Path directory,
            @DefaultValue("true") boolean persistent,
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("0") int postgresPort,
            @DefaultValue("0") int s3Port) {
    }
}
