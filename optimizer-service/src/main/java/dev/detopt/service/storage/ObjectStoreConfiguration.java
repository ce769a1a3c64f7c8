package dev.detopt.service.storage;

import dev.detopt.service.config.DetoptProperties;
import dev.detopt.storage.ObjectStore;
import dev.detopt.storage.S3ObjectStore;
import dev.detopt.storage.S3Settings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one {@link ObjectStore} of the service: S3 through the minio client, embedded or not. */
@Configuration(proxyBeanMethods = false)
public class ObjectStoreConfiguration {

    /** Creates the bucket if needed. */
    @Bean(destroyMethod = "close")
    ObjectStore objectStore(DetoptProperties properties) {
        DetoptProperties.S3 s3 = properties.s3();
        if (!s3.configured()) {
            throw new IllegalStateException("detopt.s3.endpoint (DETOPT_S3_ENDPOINT) is not set");
        }
        ObjectStore store = new S3ObjectStore(
                new S3Settings(s3.endpoint(), s3.region(), s3.bucket(), orEmpty(s3.accessKey()), orEmpty(s3.secretKey())));
        store.ensureBucket();
        return store;
    }

    @Bean
    ObjectStoreHealthIndicator objectStoreHealthIndicator(ObjectStore objectStore) {
        return new ObjectStoreHealthIndicator(objectStore);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
