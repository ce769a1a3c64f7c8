package dev.detopt.service;

import dev.detopt.service.security.TokenPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test-only endpoints under the study and worker URL spaces (literal {@code _probe} segments, so
 * they never clash with the real controllers' {@code {id}} mappings): the security rules and the
 * error handling are tested against them. {@link #ACCEPTED} counts the bodies that got through, so
 * a test can show that a refused request changed nothing.
 */
@RestController
@Validated
public class ProbeController {

    public static final AtomicInteger ACCEPTED = new AtomicInteger();

    /** URLs the role tests send to: one per security rule (study read/write, worker, admin). */
    public static final String STUDY_READ = "/api/v1/studies/_probe/" + UUID.randomUUID();
    public static final String STUDY_WRITE = "/api/v1/studies/_probe";
    public static final String WORKER = "/api/v1/workers/_probe";
    public static final String ADMIN = "/api/v1/admin/tokens";
    /** A body that passes {@link ProbeBody}'s validation. */
    public static final String VALID_BODY = "{\"name\":\"n\",\"count\":1,\"value\":0.5,\"values\":[1,2],"
            + "\"range\":{\"lower\":0,\"upper\":1},\"ranges\":[],\"flag\":true}";

    public record Range(double lower, double upper) {
    }

    public record ProbeBody(@NotBlank String name, int count, double value, double[] values, Range range,
            List<Range> ranges, boolean flag) {
    }

    @GetMapping("/api/v1/studies/_probe/{id}")
    Map<String, Object> read(@PathVariable("id") UUID id,
            @RequestParam(name = "limit", defaultValue = "10") @Min(1) @Max(1000) int limit,
            @AuthenticationPrincipal TokenPrincipal caller) {
        return Map.of("id", id, "limit", limit, "caller", caller.name());
    }

    @GetMapping("/api/v1/studies/_probe/required")
    Map<String, Object> required(@RequestParam(name = "step") int step) {
        return Map.of("step", step);
    }

    @PostMapping("/api/v1/studies/_probe")
    Map<String, Object> write(@Valid @RequestBody ProbeBody body) {
        ACCEPTED.incrementAndGet();
        return Map.of("name", body.name(), "count", body.count());
    }

    @GetMapping("/api/v1/studies/_probe/failure")
    Map<String, Object> failure() {
        throw new IllegalStateException("internal detail: connection string jdbc:postgresql://secret");
    }

    @PostMapping("/api/v1/workers/_probe")
    Map<String, Object> worker(@AuthenticationPrincipal TokenPrincipal caller) {
        return Map.of("caller", caller.name());
    }

    @GetMapping("/api/v1/workers/_probe")
    Map<String, Object> workerRead(@AuthenticationPrincipal TokenPrincipal caller) {
        return Map.of("caller", caller.name());
    }
}
