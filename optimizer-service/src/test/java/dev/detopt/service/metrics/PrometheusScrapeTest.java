package dev.detopt.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.HttpTestClient;
import dev.detopt.service.ServiceTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The whole scrape: every series has the application tag; no family uses the reserved suffix. */
@ServiceTest
class PrometheusScrapeTest {

    @LocalServerPort
    int port;

    @Test
    void noExposedFamilyEndsInTheReservedCreatedSuffix() {
        for (String accept : List.of("text/plain", "application/openmetrics-text;version=1.0.0")) {
            String scrape = scrape(accept);
            List<String> created = Arrays.stream(scrape.split("\n"))
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("[{ ]", 2)[0])
                    .filter(name -> name.endsWith("_created"))
                    .distinct()
                    .toList();
            assertThat(created).as(accept).isEmpty();
        }
    }

    @Test
    void everySeriesCarriesTheApplicationTag() {
        List<String> untagged = Arrays.stream(scrape("text/plain").split("\n"))
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .filter(line -> !line.contains("application=\"detopt-optimizer-service\""))
                .toList();
        assertThat(untagged).isEmpty();
    }

    private String scrape(String accept) {
        HttpTestClient api = new HttpTestClient(port);
        HttpTestClient.Response response = api.send(api.request("/actuator/prometheus", null).header("Accept", accept).GET().build());
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }
}
