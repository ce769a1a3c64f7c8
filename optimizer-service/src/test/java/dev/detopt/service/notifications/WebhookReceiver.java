package dev.detopt.service.notifications;

import com.sun.net.httpserver.HttpServer;
import dev.detopt.service.study.StudyEventLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A real HTTP webhook receiver on loopback (the JDK's server) for one test at a time: started before
 * each test on a free port, stopped after it. It answers 503 to as many deliveries as
 * {@link #failNext(int)} asks, 204 to the rest, and keeps each notice it took. The test profile turns
 * the background dispatcher off, so a test delivers with {@link #newDispatcher()}. A webhook test on
 * the whole service ({@code @ServiceTest}) uses it as
 * <pre>{@code
 * @RegisterExtension
 * final WebhookReceiver receiver = new WebhookReceiver("/hook");
 *
 * addWebhook(study, Map.of("url", receiver.url(), "events", List.of("completed")));
 * receiver.newDispatcher().deliverDue();
 * assertThat(receiver.received()).singleElement() ...
 * }</pre>
 */
final class WebhookReceiver implements BeforeEachCallback, AfterEachCallback {
    /** A notice the receiver took: its headers and body as sent. */
    record Notice(String event, String delivery, String signature, String body) {
    }

    private final String path;
    private final Queue<Notice> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private HttpServer server;
    private ApplicationContext service;

    WebhookReceiver(String path) {
        this.path = path;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        service = SpringExtension.getApplicationContext(context);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failuresToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204;
            if (status == 204) {
                received.add(new Notice(exchange.getRequestHeaders().getFirst("X-Detopt-Event"),
                        exchange.getRequestHeaders().getFirst("X-Detopt-Delivery"),
                        exchange.getRequestHeaders().getFirst("X-Detopt-Signature"), body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.stop(0);
    }

    /** The receiver's address as a webhook target (127.0.0.1, which the test profile's allowlist allows). */
    String url() {
        return "http://127.0.0.1:" + port() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The notices taken (answered 204), in arrival order. */
    Queue<Notice> received() {
        return received;
    }

    /** The service's notification settings (the test profile's). */
    NotificationProperties settings() {
        return service.getBean(NotificationProperties.class);
    }

    /** A dispatcher of its own over the service's outbox, as another replica or a restarted service runs one. */
    WebhookDispatcher newDispatcher() {
        return new WebhookDispatcher(service.getBean(WebhookRepository.class), service.getBean(Webhooks.class),
                service.getBean(StudyEventLog.class), service.getBean(NotificationProperties.class));
    }

    /** Answers the next {@code deliveries} deliveries with 503. */
    void failNext(int deliveries) {
        failuresToAnswer.set(deliveries);
    }

    /** The {@code X-Detopt-Signature} a notice with this body must carry: HMAC-SHA256 with the webhook's secret. */
    static String signature(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
