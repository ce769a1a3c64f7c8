package dev.detopt.service.api;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.service.campaign.CampaignReader;
import dev.detopt.service.campaign.CampaignRepository;
import dev.detopt.service.campaign.StudyGroups;
import dev.detopt.service.read.Page;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Study groups: create a sweep, list, read (bands, Pareto front), and act on every member. */
@RestController
@RequestMapping("/api/v1/groups")
public class GroupController {
    private final StudyGroups groups;
    private final CampaignReader reader;

    public GroupController(StudyGroups groups, CampaignReader reader) {
        this.groups = groups;
        this.reader = reader;
    }

    /** Body {@code {name, baseSpec, vary: {path: [values]}, start}}: 201 with the group. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<CampaignReader.GroupView> create(@RequestBody String body) {
        ObjectNode request = JsonBodies.object(body, Set.of("name", "baseSpec", "vary", "start"));
        List<FieldProblem> problems = new ArrayList<>();
        String name = JsonBodies.string(request, "name", 200, problems);
        JsonNode baseSpec = request.get("baseSpec");
        if (baseSpec == null || !baseSpec.isObject()) {
            problems.add(new FieldProblem("baseSpec", "is required: the study spec every member starts from"));
        }
        Map<String, List<JsonNode>> vary = new LinkedHashMap<>();
        JsonNode varyNode = request.get("vary");
        if (varyNode == null || !varyNode.isObject()) {
            problems.add(new FieldProblem("vary", "is required: an object of spec path → list of values"));
        } else {
            for (Map.Entry<String, JsonNode> entry : varyNode.properties()) {
                if (!entry.getValue().isArray()) {
                    problems.add(new FieldProblem("vary." + entry.getKey(), "must be a list of values"));
                    continue;
                }
                List<JsonNode> values = new ArrayList<>();
                entry.getValue().forEach(values::add);
                vary.put(entry.getKey(), values);
            }
        }
        boolean start = JsonBodies.bool(request, "start", false, problems);
        JsonBodies.check(problems);
        CampaignRepository.GroupRow group = groups.create(name, baseSpec, vary, StudyController.currentUser());
        if (start) {
            groups.start(group.id());
        }
        return ResponseEntity.created(URI.create("/api/v1/groups/" + group.id())).body(reader.group(group.id()));
    }

    @GetMapping
    public Page<CampaignReader.GroupSummary> list(@RequestParam(defaultValue = "0") int page,
                                                  @RequestParam(defaultValue = "50") int size) {
        StudyController.checkPage(page, size);
        return reader.groups(page, size);
    }

    @GetMapping("/{id}")
    public CampaignReader.GroupView get(@PathVariable UUID id) {
        return reader.group(id);
    }

    @GetMapping("/{id}/accounting")
    public CampaignReader.GroupAccountingView accounting(@PathVariable UUID id) {
        return reader.accounting(id);
    }

    @PostMapping("/{id}/start")
    public CampaignReader.GroupView start(@PathVariable UUID id) {
        groups.start(id);
        return reader.group(id);
    }

    @PostMapping("/{id}/pause")
    public CampaignReader.GroupView pause(@PathVariable UUID id) {
        groups.pause(id);
        return reader.group(id);
    }

    @PostMapping("/{id}/resume")
    public CampaignReader.GroupView resume(@PathVariable UUID id) {
        groups.resume(id);
        return reader.group(id);
    }

    @PostMapping("/{id}/cancel")
    public CampaignReader.GroupView cancel(@PathVariable UUID id) {
        groups.cancel(id);
        return reader.group(id);
    }
}
