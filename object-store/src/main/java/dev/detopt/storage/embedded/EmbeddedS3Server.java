package dev.detopt.storage.embedded;

import dev.detopt.storage.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.middleware.Middlewares;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3-compatible server inside this JVM (s3proxy), for the zero-setup local mode and for tests.
 * Objects live in a directory (survive restarts) or in memory (transient). Needs
 * {@code org.gaul:s3proxy} on the class path, which this module declares optional.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private final S3Proxy proxy;
    private final String host;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3Server(S3Proxy proxy, String host, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.host = host;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Serves the objects stored under {@code directory} (created if missing). Port 0 picks a free port. */
    public static EmbeddedS3Server filesystem(Path directory, String host, int port, String accessKey, String secretKey) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the object directory " + directory, e);
        }
        return start(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()), host, port, accessKey, secretKey);
    }

    /**
     * Serves the objects under {@code directory} but refuses every write and deletion, as a bucket
     * with read-only credentials or a read-only store does (s3proxy's read-only middleware).
     */
    public static EmbeddedS3Server readOnlyFilesystem(Path directory, String host, int port, String accessKey,
                                                      String secretKey) {
        try {
            Files.createDirectories(directory);
            Properties settings = new Properties();
            settings.setProperty("s3proxy.read-only-blobstore", "true");
            BlobStore readOnly = Middlewares.wrap(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()),
                    settings, properties -> {
                        throw new IOException("no further back ends");
                    });
            return start(readOnly, host, port, accessKey, secretKey);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the object directory " + directory + " read-only", e);
        }
    }

    /** Keeps objects in memory; they vanish with the server. Port 0 picks a free port. */
    public static EmbeddedS3Server inMemory(String host, int port, String accessKey, String secretKey) {
        return start(new TransientNio2BlobStore(), host, port, accessKey, secretKey);
    }

    private static EmbeddedS3Server start(BlobStore store, String host, int port, String accessKey, String secretKey) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + host + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .metricsEnabled(false)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("the embedded S3 server did not start on " + host + ":" + port, e);
        }
        return new EmbeddedS3Server(proxy, host, accessKey, secretKey);
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://" + host + ":" + port();
    }

    /** Client settings for this server and the given bucket. */
    public S3Settings settings(String bucket) {
        return new S3Settings(endpoint(), S3Settings.DEFAULT_REGION, bucket, accessKey, secretKey);
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the embedded S3 server", e);
        }
    }
}
