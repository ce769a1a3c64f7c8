package dev.detopt.service.api;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.service.campaign.CampaignReader;
import dev.detopt.service.campaign.StudyCampaigns;
import dev.detopt.service.lifecycle.StudyLifecycle;
import dev.detopt.service.read.StudyReader;
import dev.detopt.service.read.StudyView;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.web.ApiProblem;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Campaign actions on studies: fork, extend, notes and tags, and comparing studies. */
@RestController
@RequestMapping("/api/v1/studies")
public class StudyCampaignController {
    static final int MAX_TAGS = 32;
    static final int MAX_TAG_CHARS = 64;
    static final int MAX_DESCRIPTION_CHARS = 10_000;
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}._:+-]+");

    private final StudyCampaigns campaigns;
    private final CampaignReader campaignReader;
    private final StudyLifecycle lifecycle;
    private final StudyReader reader;

    public StudyCampaignController(StudyCampaigns campaigns, CampaignReader campaignReader, StudyLifecycle lifecycle,
                                   StudyReader reader) {
        this.campaigns = campaigns;
        this.campaignReader = campaignReader;
        this.lifecycle = lifecycle;
        this.reader = reader;
    }

    /**
     * Body {@code {fromStep, specPatch, resetOptimizer, start}}: a new study from this one's state
     * after {@code fromStep} (201). {@code start} (default true) starts it at once.
     */
    @PostMapping(path = "/{id}/fork", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<StudyView> fork(@PathVariable UUID id, @RequestBody(required = false) String body) {
        ObjectNode request = JsonBodies.object(body, Set.of("fromStep", "specPatch", "resetOptimizer", "start"));
        List<FieldProblem> problems = new ArrayList<>();
        Integer fromStep = JsonBodies.integer(request, "fromStep", problems);
        if (fromStep == null && !request.has("fromStep")) {
            problems.add(new FieldProblem("fromStep", "is required: the step whose resulting state the fork starts from"));
        } else if (fromStep != null && fromStep < 0) {
            problems.add(new FieldProblem("fromStep", "must not be negative"));
        }
        JsonNode patch = request.get("specPatch");
        if (patch != null && !patch.isNull() && !patch.isObject()) {
            problems.add(new FieldProblem("specPatch", "must be a JSON merge patch object (RFC 7396)"));
        }
        boolean reset = JsonBodies.bool(request, "resetOptimizer", false, problems);
        boolean start = JsonBodies.bool(request, "start", true, problems);
        JsonBodies.check(problems);
        reader.requireStudy(id);
        StudyRow fork = campaigns.fork(id, fromStep, patch == null || patch.isNull() ? null : patch, reset, StudyController.currentUser());
        if (start) {
            fork = lifecycle.start(fork.id());
        }
        return ResponseEntity.created(URI.create("/api/v1/studies/" + fork.id())).body(reader.view(fork));
    }

    /** Body {@code {maxSteps}} and/or {@code {maxEvents}}: a study stopped at its limit continues (COMPLETED → RUNNING). */
    @PostMapping(path = "/{id}/extend", consumes = MediaType.APPLICATION_JSON_VALUE)
    public StudyView extend(@PathVariable UUID id, @RequestBody(required = false) String body) {
        ObjectNode request = JsonBodies.object(body, Set.of("maxSteps", "maxEvents"));
        List<FieldProblem> problems = new ArrayList<>();
        Integer maxSteps = JsonBodies.integer(request, "maxSteps", problems);
        Long maxEvents = JsonBodies.longValue(request, "maxEvents", problems);
        if (problems.isEmpty() && maxSteps == null && maxEvents == null) {
            problems.add(new FieldProblem("maxSteps", "give maxSteps or maxEvents (or both): the new limit"));
        }
        JsonBodies.check(problems);
        return reader.view(campaigns.extend(id, maxSteps, maxEvents));
    }

    /** Body {@code {description, tags}} (each optional; a null description clears it, tags replace the old ones). */
    @PatchMapping(path = "/{id}", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
    public StudyView notes(@PathVariable UUID id, @RequestBody(required = false) String body) {
        ObjectNode request = JsonBodies.object(body, Set.of("description", "tags"));
        List<FieldProblem> problems = new ArrayList<>();
        String description = JsonBodies.string(request, "description", MAX_DESCRIPTION_CHARS, problems);
        List<String> tags = null;
        JsonNode tagsNode = request.get("tags");
        if (tagsNode != null && !tagsNode.isNull()) {
            if (!tagsNode.isArray()) {
                problems.add(new FieldProblem("tags", "must be a list of strings"));
            } else if (tagsNode.size() > MAX_TAGS) {
                problems.add(new FieldProblem("tags", "at most " + MAX_TAGS + " tags"));
            } else {
                tags = new ArrayList<>();
                for (int i = 0; i < tagsNode.size(); i++) {
                    JsonNode tag = tagsNode.get(i);
                    if (!tag.isString() || tag.asString().length() > MAX_TAG_CHARS || !TAG.matcher(tag.asString()).matches()) {
                        problems.add(new FieldProblem("tags[" + i + "]", "must be 1 to " + MAX_TAG_CHARS
                                + " letters, digits or . _ : + -, was " + tag));
                    } else if (!tags.contains(tag.asString())) {
                        tags.add(tag.asString());
                    }
                }
            }
        }
        JsonBodies.check(problems);
        return reader.view(campaigns.notes(id, request.has("description"), description, tags));
    }

    /** {@code ?ids=a,b,…}: loss series aligned by step and by events simulated, and each study's final and best θ. */
    @GetMapping("/compare")
    public CampaignReader.Comparison compare(@RequestParam String ids) {
        List<UUID> parsed = new ArrayList<>();
        for (String part : Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            try {
                UUID id = UUID.fromString(part);
                if (!parsed.contains(id)) {
                    parsed.add(id);
                }
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("ids", "'" + part + "' is not a study id (UUID)");
            }
        }
        return campaignReader.compare(parsed);
    }
}
