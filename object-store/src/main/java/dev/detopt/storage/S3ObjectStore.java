package dev.detopt.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link ObjectStore} over any S3-compatible server (AWS S3, MinIO, the embedded s3proxy) via the minio client. */
public final class S3ObjectStore implements ObjectStore {

    /** S3 error codes that mean "there is nothing under this key". */
    private static final Set<String> ABSENT = Set.of("NoSuchKey", "NoSuchObject", "NotFound");

    /** Multipart part size for streams of unknown length (the S3 minimum is 5 MiB). */
    private static final long PART_SIZE = 16L * 1024 * 1024;

    private final MinioClient client;
    private final S3Settings settings;

    public S3ObjectStore(S3Settings settings) {
        this.settings = settings;
        this.client = MinioClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey())
                .build();
    }

    @Override
    public String bucket() {
        return settings.bucket();
    }

    @Override
    public void ensureBucket() {
        try {
            boolean exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build());
            if (!exists) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).build());
            }
        } catch (ErrorResponseException e) {
            // Another process created it between our check and our create.
            if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                throw failure("create bucket", "", e);
            }
        } catch (MinioException e) {
            throw failure("create bucket", "", e);
        }
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket()).object(key)
                    .data(content, content.length)
                    .contentType(contentType)
                    .build());
        } catch (MinioException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public void put(String key, InputStream content, long size, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket()).object(key)
                    .stream(content, size, size < 0 ? PART_SIZE : null)
                    .contentType(contentType)
                    .build());
        } catch (MinioException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        return open(key).map(stream -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading s3://" + bucket() + "/" + key, e);
            }
        });
    }

    @Override
    public Optional<InputStream> open(String key) {
        try {
            return Optional.of(client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key).build()));
        } catch (ErrorResponseException e) {
            if (isAbsent(e)) {
                return Optional.empty();
            }
            throw failure("get", key, e);
        } catch (MinioException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public boolean exists(String key) {
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket()).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (isAbsent(e)) {
                return false;
            }
            throw failure("stat", key, e);
        } catch (MinioException e) {
            throw failure("stat", key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
        } catch (MinioException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        Iterable<Result<Item>> results = client.listObjects(
                ListObjectsArgs.builder().bucket(bucket()).prefix(prefix).recursive(true).build());
        try {
            for (Result<Item> result : results) {
                keys.add(result.get().objectName());
            }
        } catch (MinioException e) {
            throw failure("list", prefix, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new ObjectStoreException("closing the S3 client for " + settings.endpoint(), e);
        }
    }

    private static boolean isAbsent(ErrorResponseException e) {
        return ABSENT.contains(e.errorResponse().code());
    }

    private ObjectStoreException failure(String operation, String key, Exception cause) {
        return new ObjectStoreException(
                operation + " s3://" + bucket() + "/" + key + " at " + settings.endpoint() + " failed: " + cause.getMessage(),
                cause);
    }
}
