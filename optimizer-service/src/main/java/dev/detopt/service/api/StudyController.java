package dev.detopt.service.api;

import dev.detopt.service.lifecycle.StudyLifecycle;
import dev.detopt.service.read.Page;
import dev.detopt.service.read.StudyReader;
import dev.detopt.service.read.StudyView;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyService;
import dev.detopt.service.study.StudyStatus;
import dev.detopt.service.web.ApiProblem;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Studies: create, list, read, delete, and the lifecycle actions. */
@RestController
@RequestMapping("/api/v1/studies")
public class StudyController {
    /** Largest accepted spec document. */
    static final int MAX_SPEC_BYTES = 1 << 20;
    static final int MAX_PAGE_SIZE = 500;

    private final StudyService service;
    private final StudyLifecycle lifecycle;
    private final StudyReader reader;

    public StudyController(StudyService service, StudyLifecycle lifecycle, StudyReader reader) {
        this.service = service;
        this.lifecycle = lifecycle;
        this.reader = reader;
    }

    /** Body: the study spec (docs/study-model.md). 201 with the study; 422 listing every field problem. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<StudyView> create(@RequestBody String spec) {
        if (spec.length() > MAX_SPEC_BYTES) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Request too large",
                    "a study spec may have at most " + MAX_SPEC_BYTES + " characters",
                    List.of(new ApiProblem.FieldError("$", "larger than " + MAX_SPEC_BYTES + " characters")));
        }
        StudyRow row = service.create(spec, currentUser());
        return ResponseEntity.created(URI.create("/api/v1/studies/" + row.id())).body(full(row));
    }

    @GetMapping
    public Page<StudyView> list(@RequestParam(required = false) String status, @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "50") int size, @RequestParam(required = false) String tag,
                                @RequestParam(required = false) String q) {
        StudyStatus filter = status == null || status.isBlank() ? null : parseStatus(status);
        checkPage(page, size);
        return reader.list(filter, tag == null || tag.isBlank() ? null : tag.trim(), q == null || q.isBlank() ? null : q.trim(),
                page, size);
    }

    @GetMapping("/{id}")
    public StudyView get(@PathVariable UUID id) {
        return reader.view(id);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable UUID id) {
        service.delete(id);
    }

    @PostMapping("/{id}/start")
    public StudyView start(@PathVariable UUID id) {
        return full(lifecycle.start(id));
    }

    @PostMapping("/{id}/pause")
    public StudyView pause(@PathVariable UUID id) {
        return full(lifecycle.pause(id));
    }

    @PostMapping("/{id}/resume")
    public StudyView resume(@PathVariable UUID id) {
        return full(lifecycle.resume(id));
    }

    @PostMapping("/{id}/cancel")
    public StudyView cancel(@PathVariable UUID id) {
        return full(lifecycle.cancel(id));
    }

    private StudyView full(StudyRow row) {
        return reader.view(row);
    }

    static void checkPage(int page, int size) {
        if (page < 0) {
            throw ApiProblem.badRequest("page", "must not be negative");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ApiProblem.badRequest("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
    }

    private static StudyStatus parseStatus(String status) {
        try {
            return StudyStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("status", "unknown status '" + status + "'; one of "
                    + java.util.Arrays.toString(StudyStatus.values()));
        }
    }

    static String currentUser() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated() || authentication.getName() == null
                || "anonymousUser".equals(authentication.getName())) {
            return "anonymous";
        }
        return authentication.getName();
    }
}
