package dev.detopt.service.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.ServiceTest;
import dev.detopt.service.config.DetoptProperties;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The service's object store talks S3 to the embedded server; a second, independent client sees the same objects. */
@ServiceTest
class ObjectStoreRoundTripTest {

    @Autowired
    ObjectStore objectStore;

    @Autowired
    DetoptProperties properties;

    @Test
    void objectWrittenByTheServiceIsReadByAnotherS3Client() {
        String key = "studies/round-trip/steps/0/batches/3/attempt-1.json";
        objectStore.put(key, "{\"events\":1000}".getBytes(UTF_8), "application/json");

        DetoptProperties.S3 s3 = properties.s3();
        assertThat(s3.endpoint()).startsWith("http://127.0.0.1:");
        try (ObjectStore other = new S3ObjectStore(
                new S3Settings(s3.endpoint(), s3.region(), s3.bucket(), s3.accessKey(), s3.secretKey()))) {
            assertThat(other.get(key)).hasValueSatisfying(
                    bytes -> assertThat(new String(bytes, UTF_8)).isEqualTo("{\"events\":1000}"));
            assertThat(other.list("studies/round-trip/")).containsExactly(key);
            other.delete(key);
        }
        assertThat(objectStore.exists(key)).isFalse();
    }
}
