package dev.detopt.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detopt.storage.embedded.EmbeddedS3Server;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minio-backed store against a real S3 protocol server (s3proxy in this JVM). */
class S3ObjectStoreTest {

    private static EmbeddedS3Server server;
    private static ObjectStore store;

    @BeforeAll
    static void startServer() {
        server = EmbeddedS3Server.inMemory("127.0.0.1", 0, "test-access", "test-secret-key");
        store = new S3ObjectStore(server.settings("detopt-test"));
        store.ensureBucket();
    }

    @AfterAll
    static void stopServer() {
        store.close();
        server.close();
    }

    @Test
    void bytesRoundTripAndCanBeReplacedAndDeleted() {
        store.put("studies/a/result.json", "{\"x\":1}".getBytes(UTF_8), "application/json");
        assertThat(store.exists("studies/a/result.json")).isTrue();
        assertThat(store.get("studies/a/result.json")).hasValueSatisfying(
                bytes -> assertThat(new String(bytes, UTF_8)).isEqualTo("{\"x\":1}"));

        store.put("studies/a/result.json", "{\"x\":2}".getBytes(UTF_8), "application/json");
        assertThat(new String(store.get("studies/a/result.json").orElseThrow(), UTF_8)).isEqualTo("{\"x\":2}");

        store.delete("studies/a/result.json");
        assertThat(store.exists("studies/a/result.json")).isFalse();
        assertThat(store.get("studies/a/result.json")).isEmpty();
    }

    @Test
    void absentKeysAreEmptyNotErrors() {
        assertThat(store.get("no/such/key")).isEmpty();
        assertThat(store.open("no/such/key")).isEmpty();
        assertThat(store.exists("no/such/key")).isFalse();
        store.delete("no/such/key");
    }

    @Test
    void streamsOfKnownAndUnknownLengthArriveIntact() {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(payload);

        store.put("blobs/known", new ByteArrayInputStream(payload), payload.length, "application/octet-stream");
        store.put("blobs/unknown", new ByteArrayInputStream(payload), -1, "application/octet-stream");

        assertThat(store.get("blobs/known")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(payload));
        assertThat(store.get("blobs/unknown")).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(payload));
    }

    @Test
    void listReturnsKeysUnderPrefixRecursivelyInOrder() {
        for (String key : new String[] {"list/s1/b2", "list/s1/b0", "list/s1/deep/b1", "list/s2/b0", "lister"}) {
            store.put(key, new byte[] {1}, "application/octet-stream");
        }
        assertThat(store.list("list/s1/")).containsExactly("list/s1/b0", "list/s1/b2", "list/s1/deep/b1");
        assertThat(store.list("list/")).hasSize(4);
        assertThat(store.list("nothing-here/")).isEmpty();
    }

    @Test
    void ensureBucketIsIdempotent() {
        store.ensureBucket();
        store.ensureBucket();
        assertThat(store.bucket()).isEqualTo("detopt-test");
    }

    @Test
    void wrongCredentialsFailLoudly() {
        S3Settings good = server.settings("detopt-test");
        S3Settings wrong = new S3Settings(good.endpoint(), good.region(), good.bucket(), good.accessKey(), "not-the-secret");
        try (ObjectStore intruder = new S3ObjectStore(wrong)) {
            assertThatThrownBy(() -> intruder.put("x", new byte[] {1}, "application/octet-stream"))
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("put s3://detopt-test/x");
        }
    }

    @Test
    void filesystemServerKeepsObjectsAcrossRestarts(@TempDir Path directory) {
        try (EmbeddedS3Server first = EmbeddedS3Server.filesystem(directory, "127.0.0.1", 0, "k", "secret-key-1");
                ObjectStore writer = new S3ObjectStore(first.settings("persist"))) {
            writer.ensureBucket();
            writer.put("checkpoint", "state-7".getBytes(UTF_8), "text/plain");
        }
        try (EmbeddedS3Server second = EmbeddedS3Server.filesystem(directory, "127.0.0.1", 0, "k", "secret-key-1");
                ObjectStore reader = new S3ObjectStore(second.settings("persist"))) {
            assertThat(reader.get("checkpoint")).hasValueSatisfying(
                    bytes -> assertThat(new String(bytes, UTF_8)).isEqualTo("state-7"));
        }
    }
}
