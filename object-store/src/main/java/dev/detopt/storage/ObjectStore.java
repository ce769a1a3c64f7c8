package dev.detopt.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A bucket of objects addressed by key (S3 semantics: keys are flat strings, "/" is only a
 * convention). The service and the workers store checkpoints and results through this
 * interface; every deployment mode talks S3, so local and cluster runs share one code path.
 *
 * <p>Implementations are thread-safe. Failures other than "object absent" throw
 * {@link ObjectStoreException}.
 */
public interface ObjectStore extends AutoCloseable {

    /** Creates the bucket if it does not exist yet. Idempotent. */
    void ensureBucket();

    /** Stores {@code content} under {@code key}, replacing any previous object. */
    void put(String key, byte[] content, String contentType);

    /** Stores {@code size} bytes read from {@code content} under {@code key}. */
    void put(String key, InputStream content, long size, String contentType);

    /** The whole object, or empty if there is none under {@code key}. */
    Optional<byte[]> get(String key);

    /** A stream over the object (the caller closes it), or empty if there is none. */
    Optional<InputStream> open(String key);

    boolean exists(String key);

    /** Removes the object; removing an absent object is not an error. */
    void delete(String key);

    /** Keys that start with {@code prefix}, recursively, in ascending order. */
    List<String> list(String prefix);

    /** The bucket this store writes to. */
    String bucket();

    @Override
    void close();
}
