package dev.detopt.worker;

import dev.detopt.storage.embedded.EmbeddedS3Server;
import java.util.HashMap;
import java.util.Map;

/** Environment variables for a test worker talking to a contract server and an embedded S3 server. */
final class WorkerTestEnvironment {
    static final String TOKEN = "worker-token-for-tests";
    static final String S3_BUCKET = "worker-test";
    static final String S3_ACCESS_KEY = "test-access";
    static final String S3_SECRET_KEY = "test-secret-key";

    private WorkerTestEnvironment() {
    }

    static Map<String, String> of(String serviceUrl, EmbeddedS3Server s3) {
        Map<String, String> env = new HashMap<>();
        env.put("DETOPT_SERVICE_URL", serviceUrl);
        env.put("DETOPT_WORKER_TOKEN", TOKEN);
        env.put("DETOPT_WORKER_THREADS", "2");
        env.put("DETOPT_S3_ENDPOINT", s3.endpoint());
        env.put("DETOPT_S3_BUCKET", S3_BUCKET);
        env.put("DETOPT_S3_ACCESS_KEY", S3_ACCESS_KEY);
        env.put("DETOPT_S3_SECRET_KEY", S3_SECRET_KEY);
        return env;
    }
}
