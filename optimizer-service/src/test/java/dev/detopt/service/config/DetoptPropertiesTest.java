package dev.detopt.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The environment variable names that README documents bind to the settings. */
class DetoptPropertiesTest {

    @Test
    void documentedEnvironmentVariablesBind() {
        DetoptProperties properties = bindFromEnvironment(Map.of(
                "DETOPT_DB_URL", "jdbc:postgresql://db:5432/detopt",
                "DETOPT_DB_USER", "opt",
                "DETOPT_DB_PASSWORD", "pw",
                "DETOPT_S3_ENDPOINT", "http://minio:9000",
                "DETOPT_S3_REGION", "eu-west-1",
                "DETOPT_S3_BUCKET", "ckpt",
                "DETOPT_S3_ACCESS_KEY", "ak",
                "DETOPT_S3_SECRET_KEY", "sk"));

        assertThat(properties.db()).isEqualTo(new DetoptProperties.Db("jdbc:postgresql://db:5432/detopt", "opt", "pw"));
        assertThat(properties.db().configured()).isTrue();
        assertThat(properties.s3()).isEqualTo(new DetoptProperties.S3("http://minio:9000", "eu-west-1", "ckpt", "ak", "sk"));
    }

    @Test
    void embeddedSettingsBindWithUnderscoresForDashes() {
        DetoptProperties properties = bindFromEnvironment(Map.of(
                "DETOPT_EMBEDDED_DIRECTORY", "/var/detopt",
                "DETOPT_EMBEDDED_PERSISTENT", "false",
                "DETOPT_EMBEDDED_HOST", "0.0.0.0",
                "DETOPT_EMBEDDED_POSTGRES_PORT", "5439",
                "DETOPT_EMBEDDED_S3_PORT", "9009"));

        assertThat(properties.embedded()).isEqualTo(
                new DetoptProperties.Embedded(Path.of("/var/detopt"), false, "0.0.0.0", 5439, 9009));
    }

    @Test
    void defaultsDescribeTheZeroSetupLocalMode() {
        DetoptProperties properties = bindFromEnvironment(Map.of());

        assertThat(properties.db().configured()).isFalse();
        assertThat(properties.db().user()).isEqualTo("detopt");
        assertThat(properties.s3().configured()).isFalse();
        assertThat(properties.s3().bucket()).isEqualTo("detopt");
        assertThat(properties.s3().region()).isEqualTo("us-east-1");
        assertThat(properties.embedded()).isEqualTo(
                new DetoptProperties.Embedded(Path.of(".detopt"), true, "127.0.0.1", 0, 0));
    }

    private static DetoptProperties bindFromEnvironment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment).bindOrCreate("detopt", DetoptProperties.class);
    }
}
