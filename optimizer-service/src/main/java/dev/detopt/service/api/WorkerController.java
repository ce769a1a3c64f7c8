package dev.detopt.service.api;

import dev.detopt.model.study.contract.WireJson;
import dev.detopt.model.study.contract.protocol.BulkCompleteAnswer;
import dev.detopt.model.study.contract.protocol.BulkCompleteItem;
import dev.detopt.model.study.contract.protocol.BulkCompleteRequest;
import dev.detopt.model.study.contract.protocol.BulkCompleteResponse;
import dev.detopt.model.study.contract.protocol.CheckpointKeys;
import dev.detopt.model.study.contract.protocol.CheckpointReport;
import dev.detopt.model.study.contract.protocol.CompleteRequest;
import dev.detopt.model.study.contract.protocol.CompleteResponse;
import dev.detopt.model.study.contract.protocol.FailRequest;
import dev.detopt.model.study.contract.protocol.HeartbeatRequest;
import dev.detopt.model.study.contract.protocol.HeartbeatResponse;
import dev.detopt.model.study.contract.protocol.LeaseGrant;
import dev.detopt.model.study.contract.protocol.LeaseReference;
import dev.detopt.model.study.contract.protocol.LeaseResponse;
import dev.detopt.model.study.contract.protocol.QueueCounts;
import dev.detopt.model.study.contract.protocol.RegisterRequest;
import dev.detopt.model.study.contract.protocol.RegisterResponse;
import dev.detopt.model.study.contract.protocol.ReleaseRequest;
import dev.detopt.model.study.contract.protocol.WorkerApiLimits;
import dev.detopt.service.queue.CompletionOutcome;
import dev.detopt.service.queue.Lease;
import dev.detopt.service.queue.LeasePoller;
import dev.detopt.service.queue.QueueProperties;
import dev.detopt.service.queue.TaskQueue;
import dev.detopt.service.web.ApiProblem;
import dev.detopt.model.external.SimulatorRegistration;
import dev.detopt.service.simulators.SimulatorRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The worker API (role worker): register, lease, heartbeat, checkpoint, complete, fail, release. */
@RestController
@RequestMapping("/api/v1/workers")
public class WorkerController {
    private final TaskQueue queue;
    private final LeasePoller poller;
    private final QueueProperties properties;
    private final JsonMapper json;
    private final SimulatorRegistry simulators;

    public WorkerController(TaskQueue queue, LeasePoller poller, QueueProperties properties,
                            JsonMapper json, SimulatorRegistry simulators) {
        this.simulators = simulators;
        this.queue = queue;
        this.poller = poller;
        this.properties = properties;
        this.json = json;
    }

    @PostMapping("/register")
    public RegisterResponse register(@RequestBody RegisterRequest request) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        if (request.workerId() != null) {
            checkId("workerId", request.workerId(), errors);
        }
        if (request.threads() != null && (request.threads() < 1 || request.threads() > WorkerApiLimits.MAX_THREADS)) {
            errors.add(new ApiProblem.FieldError("threads", "must be between 1 and " + WorkerApiLimits.MAX_THREADS));
        }
        text("host", request.host(), errors);
        text("pod", request.pod(), errors);
        text("node", request.node(), errors);
        throwIfAny(errors);
        String id = queue.register(request.workerId(), request.host(), request.pod(), request.node(), request.threads());
        return new RegisterResponse(id, properties.leaseSeconds(), properties.heartbeatSeconds());
    }

    /**
     * Long-polls for tasks. The answer is written here rather than by the message converters so
     * that a lease whose answer cannot be delivered (the worker went away while waiting) is put
     * back in the queue at once instead of waiting for its expiry.
     */
    /** A lease for a worker outside any simulator image. */
    public void lease(String workerId, int max, int waitSeconds, HttpServletResponse response)
            throws InterruptedException, IOException {
        lease(workerId, max, waitSeconds, null, response);
    }

    @PostMapping("/{workerId}/lease")
    @ApiResponse(responseCode = "200", description = "The leased tasks (an empty list when none came within waitSeconds)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = LeaseResponse.class)))
    public void lease(@PathVariable String workerId, @RequestParam(defaultValue = "1") int max,
                      @RequestParam(defaultValue = "0") int waitSeconds,
                      @Parameter(description = "the simulator image this worker runs in (DETOPT_SIMULATOR_IMAGE): it then"
                              + " gets only the tasks of the simulators registered with that image; without it, all others")
                      @RequestParam(required = false) String image, HttpServletResponse response)
            throws InterruptedException, IOException {
        pathId(workerId);
        if (max < 1 || max > properties.maxTasksPerLease()) {
            throw ApiProblem.badRequest("max", "must be between 1 and " + properties.maxTasksPerLease());
        }
        if (waitSeconds < 0 || waitSeconds > properties.maxWaitSeconds()) {
            throw ApiProblem.badRequest("waitSeconds", "must be between 0 and " + properties.maxWaitSeconds());
        }
        if (image != null && (image.length() > 255 || !SimulatorRegistration.IMAGE.matcher(image).matches())) {
            throw ApiProblem.badRequest("image", "must be a container image reference");
        }
        List<Lease> leases = poller.lease(workerId, max, waitSeconds, simulators.leaseScope(image));
        List<LeaseGrant> items = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            // Where this attempt writes: the task's checkpointKey. Where it resumes: the grant's.
            ObjectNode task = (ObjectNode) WireJson.mapper().readTree(lease.taskJson());
            task.put("checkpointKey", CheckpointKeys.attempt(lease.studyId().toString(), lease.step(), lease.batchIndex(),
                    lease.attempt()));
            items.add(new LeaseGrant(lease.taskId(), lease.leaseToken(), lease.leaseExpiresAt(), lease.attempt(),
                    lease.resumeKey(), task));
        }
        byte[] body = json.writeValueAsBytes(new LeaseResponse(items));
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
            response.flushBuffer();
        } catch (IOException | RuntimeException undelivered) {
            if (!leases.isEmpty()) {
                queue.releaseUndelivered(workerId, leases);
            }
            throw undelivered;
        }
    }

    @PostMapping("/{workerId}/heartbeat")
    public HeartbeatResponse heartbeat(@PathVariable String workerId, @RequestBody HeartbeatRequest request) {
        pathId(workerId);
        return queue.heartbeat(workerId, leases(request.leases(), true));
    }

    @PostMapping("/{workerId}/tasks/{taskId}/checkpoint")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void checkpoint(@PathVariable String workerId, @PathVariable long taskId, @RequestBody CheckpointReport request) {
        pathId(workerId);
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        require("leaseToken", request.leaseToken(), errors);
        if (request.key() == null || request.key().isBlank() || request.key().length() > WorkerApiLimits.MAX_KEY_LENGTH) {
            errors.add(new ApiProblem.FieldError("key", "must be a non-empty object key of at most " + WorkerApiLimits.MAX_KEY_LENGTH
                        + " characters"));
        }
        if (request.nextEvent() == null || request.nextEvent() < 0) {
            errors.add(new ApiProblem.FieldError("nextEvent", "must be a non-negative event index"));
        }
        if (request.sha256() != null && !request.sha256().matches("[0-9a-fA-F]{64}")) {
            errors.add(new ApiProblem.FieldError("sha256", "must be 64 hexadecimal digits"));
        }
        cpuSeconds("cpuSeconds", request.cpuSeconds(), errors);
        throwIfAny(errors);
        queue.checkpoint(workerId, taskId, request.leaseToken(), request.key(), request.nextEvent(), request.sha256(),
                request.cpuSeconds());
    }

    @PostMapping("/{workerId}/tasks/{taskId}/complete")
    public CompleteResponse complete(@PathVariable String workerId, @PathVariable long taskId,
                                      @RequestBody CompleteRequest request) {
        pathId(workerId);
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        require("leaseToken", request.leaseToken(), errors);
        require("result", request.result(), errors);
        cpuSeconds("cpuSeconds", request.cpuSeconds(), errors);
        throwIfAny(errors);
        return queue.complete(workerId, taskId, request.leaseToken(), request.result(), request.cpuSeconds());
    }

    /**
     * Several results in one request and one transaction. Each result is answered on its own,
     * with the status the single complete would have given it (200, 404, 409, 422) and the same
     * idempotency: a retry of the whole request gets the same answers.
     */
    @PostMapping("/{workerId}/complete")
    @Operation(summary = "Complete several leased tasks at once",
            description = "Stores each result of a current lease (studies locked in id order, one transaction); a step's"
                    + " last result reduces the step in the same transaction. Answers per item, in request order:"
                    + " status 200 (accepted, or a retry of an accepted result), 404 unknown task, 409 lease not current,"
                    + " 422 result does not answer its task or its statistics have the wrong shape."
                    + " The request itself is 422 when an item lacks a field or a"
                    + " task appears twice.")
    public BulkCompleteResponse completeAll(@PathVariable String workerId, @RequestBody BulkCompleteRequest request) {
        pathId(workerId);
        if (request.results() == null || request.results().isEmpty()) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("results", "is required (at least one result)")));
        }
        if (request.results().size() > WorkerApiLimits.MAX_RESULTS_PER_REQUEST) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("results", "at most " + WorkerApiLimits.MAX_RESULTS_PER_REQUEST
                    + " results per request")));
        }
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        List<BulkCompleteItem> items = new ArrayList<>(request.results().size());
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < request.results().size(); i++) {
            BulkCompleteItem item = request.results().get(i);
            if (item == null) {
                errors.add(new ApiProblem.FieldError("results[" + i + "]", "must not be null"));
                continue;
            }
            require("results[" + i + "].taskId", item.taskId(), errors);
            require("results[" + i + "].leaseToken", item.leaseToken(), errors);
            require("results[" + i + "].result", item.result(), errors);
            cpuSeconds("results[" + i + "].cpuSeconds", item.cpuSeconds(), errors);
            if (item.taskId() != null && !seen.add(item.taskId())) {
                errors.add(new ApiProblem.FieldError("results[" + i + "].taskId", "task " + item.taskId()
                        + " appears more than once"));
            }
            if (item.taskId() != null && item.leaseToken() != null && item.result() != null) {
                items.add(item);
            }
        }
        throwIfAny(errors);
        List<BulkCompleteAnswer> answers = new ArrayList<>(items.size());
        for (CompletionOutcome outcome : queue.completeAll(workerId, items)) {
            answers.add(answer(outcome));
        }
        return new BulkCompleteResponse(answers);
    }

    /** Each result's answer carries the status the single completion would have answered. */
    private static BulkCompleteAnswer answer(CompletionOutcome outcome) {
        int status = switch (outcome) {
            case CompletionOutcome.Accepted accepted -> BulkCompleteAnswer.ACCEPTED;
            case CompletionOutcome.UnknownTask unknown -> BulkCompleteAnswer.UNKNOWN_TASK;
            case CompletionOutcome.LeaseLost lost -> BulkCompleteAnswer.LEASE_NOT_CURRENT;
            case CompletionOutcome.Rejected rejected -> BulkCompleteAnswer.REJECTED;
        };
        return switch (outcome) {
            case CompletionOutcome.Accepted accepted -> new BulkCompleteAnswer(accepted.taskId(), status, true,
                    accepted.stepCompleted(), null, List.of());
            case CompletionOutcome.Refusal refusal -> new BulkCompleteAnswer(refusal.taskId(), status, false, false,
                    refusal.reason().getMessage(), refusal.reason().problems());
        };
    }

    @PostMapping("/{workerId}/tasks/{taskId}/fail")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void fail(@PathVariable String workerId, @PathVariable long taskId, @RequestBody FailRequest request) {
        pathId(workerId);
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        require("leaseToken", request.leaseToken(), errors);
        if (request.reason() != null && request.reason().length() > WorkerApiLimits.MAX_REASON_LENGTH) {
            errors.add(new ApiProblem.FieldError("reason", "must be at most " + WorkerApiLimits.MAX_REASON_LENGTH + " characters"));
        }
        text("exception", request.exception(), errors);
        if (request.stderrTail() != null && request.stderrTail().length() > WorkerApiLimits.MAX_STDERR_TAIL_LENGTH) {
            errors.add(new ApiProblem.FieldError("stderrTail", "must be at most " + WorkerApiLimits.MAX_STDERR_TAIL_LENGTH
                    + " characters (send the end of the output)"));
        }
        cpuSeconds("cpuSeconds", request.cpuSeconds(), errors);
        throwIfAny(errors);
        queue.fail(workerId, taskId, request.leaseToken(), request.reason(), Boolean.TRUE.equals(request.preempted()),
                new TaskQueue.FailureDetails(request.exception(), request.exitCode(), request.stderrTail(),
                        request.cpuSeconds()));
    }

    @PostMapping("/{workerId}/release")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void release(@PathVariable String workerId, @RequestBody ReleaseRequest request) {
        pathId(workerId);
        if (request.reason() != null && !request.reason().equals(ReleaseRequest.SHUTDOWN) && !request.reason().equals(ReleaseRequest.PREEMPTED)) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("reason", "must be shutdown or preempted")));
        }
        boolean preempted = ReleaseRequest.PREEMPTED.equals(request.reason());
        List<LeaseReference> leases = leases(request.leases(), false);
        if (leases.isEmpty()) {
            // Everything this worker holds: first end its waiting long-polls here, and mark it stopping
            // so that its long-polls on other replicas take nothing either; then hand back what it holds
            // (including what a long-poll took before the mark).
            poller.cancelWaiting(workerId);
            queue.markStopping(workerId);
            queue.releaseAll(workerId, preempted);
        } else {
            queue.release(workerId, leases, preempted);
        }
    }

    @GetMapping("/queue")
    public QueueCounts queue() {
        return queue.counts();
    }

    private static List<LeaseReference> leases(List<LeaseReference> refs, boolean heartbeat) {
        if (refs == null) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("leases", "is required (may be empty)")));
        }
        if (refs.size() > WorkerApiLimits.MAX_LEASES_PER_REQUEST) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("leases", "at most " + WorkerApiLimits.MAX_LEASES_PER_REQUEST + " leases per request")));
        }
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        List<LeaseReference> leases = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            LeaseReference ref = refs.get(i);
            if (ref == null) {
                errors.add(new ApiProblem.FieldError("leases[" + i + "]", "must not be null"));
                continue;
            }
            require("leases[" + i + "].taskId", ref.taskId(), errors);
            require("leases[" + i + "].leaseToken", ref.leaseToken(), errors);
            if (heartbeat && ref.eventsDone() != null && ref.eventsDone() < 0) {
                errors.add(new ApiProblem.FieldError("leases[" + i + "].eventsDone", "must not be negative"));
            }
            cpuSeconds("leases[" + i + "].cpuSeconds", ref.cpuSeconds(), errors);
            if (ref.taskId() != null && ref.leaseToken() != null) {
                leases.add(new LeaseReference(ref.taskId(), ref.leaseToken(), ref.eventsDone() == null ? 0 : ref.eventsDone(),
                        ref.cpuSeconds()));
            }
        }
        throwIfAny(errors);
        return leases;
    }

    private static void pathId(String workerId) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        checkId("workerId", workerId, errors);
        if (!errors.isEmpty()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", errors.getFirst().message(), errors);
        }
    }

    private static void checkId(String field, String id, List<ApiProblem.FieldError> errors) {
        if (!WorkerApiLimits.validId(id)) {
            errors.add(new ApiProblem.FieldError(field, "must be 1-" + WorkerApiLimits.MAX_ID_LENGTH
                    + " characters of letters, digits and . _ : @ -"));
        }
    }

    private static void text(String field, String value, List<ApiProblem.FieldError> errors) {
        if (value != null && value.length() > WorkerApiLimits.MAX_TEXT_LENGTH) {
            errors.add(new ApiProblem.FieldError(field, "must be at most " + WorkerApiLimits.MAX_TEXT_LENGTH + " characters"));
        }
    }

    /** CPU seconds a worker reports: absent, or a finite number from 0 to {@link WorkerApiLimits#MAX_CPU_SECONDS}. */
    private static void cpuSeconds(String field, Double value, List<ApiProblem.FieldError> errors) {
        if (value != null && !(value >= 0 && value <= WorkerApiLimits.MAX_CPU_SECONDS)) {
            errors.add(new ApiProblem.FieldError(field, "must be a number of CPU seconds from 0 to "
                    + (long) WorkerApiLimits.MAX_CPU_SECONDS));
        }
    }

    private static void require(String field, Object value, List<ApiProblem.FieldError> errors) {
        if (value == null) {
            errors.add(new ApiProblem.FieldError(field, "is required"));
        }
    }

    private static void throwIfAny(List<ApiProblem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
    }
}
