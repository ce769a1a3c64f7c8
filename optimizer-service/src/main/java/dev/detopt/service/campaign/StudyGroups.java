package dev.detopt.service.campaign;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.ParseResult;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.lifecycle.StudyLifecycle;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyEventType;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyTransition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Study groups: a base spec and, per spec path, a list of values; the members are the studies of
 * the cartesian product (up to {@code detopt.groups.max-members}), created in one transaction.
 * Pause, resume and cancel act on every member whose status allows it.
 */
@Service
public class StudyGroups {
    private final StudyRepository studies;
    private final CampaignRepository campaigns;
    private final StudyEventLog events;
    private final StudyLifecycle lifecycle;
    private final SimulatorCatalog catalog;
    private final TransactionTemplate transactions;
    private final int maxMembers;

    public StudyGroups(StudyRepository studies, CampaignRepository campaigns, StudyEventLog events, StudyLifecycle lifecycle,
                       SimulatorCatalog catalog, TransactionTemplate transactions,
                       @Value("${detopt.groups.max-members:100}") int maxMembers) {
        this.studies = studies;
        this.campaigns = campaigns;
        this.events = events;
        this.lifecycle = lifecycle;
        this.catalog = catalog;
        this.transactions = transactions;
        this.maxMembers = maxMembers;
    }

    public int maxMembers() {
        return maxMembers;
    }

    /** One member of a sweep: its spec and its values (path → value, in the group's order). */
    record Member(ObjectNode spec, Map<String, JsonNode> values) {
    }

    /**
     * Checks everything first (the base spec, every path and value, the product's size, every
     * member's spec), then stores the group and its members; nothing is stored on a refusal.
     *
     * @param vary path → values, in the order the members' names and values list them
     */
    public CampaignRepository.GroupRow create(String name, JsonNode baseSpec, Map<String, List<JsonNode>> vary, String owner) {
        ParseResult base = StudySpecs.parse(baseSpec, catalog);
        if (base.malformedJson() || !base.isValid()) {
            throw new InvalidInputException(base.problems().stream()
                    .map(p -> new FieldProblem("baseSpec" + ("$".equals(p.field()) ? "" : "." + p.field()), p.message())).toList());
        }
        ObjectNode normalised = (ObjectNode) WireJson.mapper().readTree(StudySpecs.toJson(base.spec()));
        List<FieldProblem> problems = new ArrayList<>();
        long combinations = 1;
        for (Map.Entry<String, List<JsonNode>> entry : vary.entrySet()) {
            String field = "vary." + entry.getKey();
            SpecPaths.Location location = SpecPaths.find(normalised, entry.getKey());
            if (location == null) {
                problems.add(new FieldProblem(field, "no such number, string or boolean field in the spec"));
                continue;
            }
            if (entry.getValue().isEmpty()) {
                problems.add(new FieldProblem(field, "must list at least one value"));
                continue;
            }
            for (int i = 0; i < entry.getValue().size(); i++) {
                String mismatch = SpecPaths.typeMismatch(location.value(), entry.getValue().get(i));
                if (mismatch != null) {
                    problems.add(new FieldProblem(field + "[" + i + "]", mismatch));
                }
            }
            int size = entry.getValue().size();
            combinations = combinations > Long.MAX_VALUE / size ? Long.MAX_VALUE : combinations * size;
        }
        if (vary.isEmpty()) {
            problems.add(new FieldProblem("vary", "must name at least one spec path with its values"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        if (combinations > maxMembers) {
            throw InvalidInputException.of("vary", "the sweep has " + combinations + " combinations; a group may have at most "
                    + maxMembers + " members (detopt.groups.max-members)");
        }
        List<Member> members = product(normalised, vary);
        List<StudySpec> specs = new ArrayList<>();
        for (Member member : members) {
            ParseResult parsed = StudySpecs.parse(member.spec(), catalog);
            if (!parsed.isValid()) {
                for (FieldProblem problem : parsed.problems()) {
                    String varied = variedField(problem.field(), normalised, member.values().keySet());
                    problems.add(new FieldProblem(varied != null ? "vary." + varied : problem.field(),
                            "with " + describe(member.values()) + ": " + problem.message()));
                }
            }
            specs.add(parsed.spec());
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        UUID id = UUID.randomUUID();
        String groupName = name != null ? name : base.spec().name();
        return transactions.execute(transaction -> {
            ObjectNode varyJson = WireJson.mapper().createObjectNode();
            vary.forEach((path, values) -> varyJson.set(path, WireJson.mapper().valueToTree(values)));
            campaigns.insertGroup(id, groupName, owner, WireJson.write(normalised), WireJson.write(varyJson));
            for (int i = 0; i < members.size(); i++) {
                StudySpec spec = specs.get(i);
                UUID studyId = UUID.randomUUID();
                String studyName = spec.name().equals(base.spec().name()) ? groupName + " [" + describe(members.get(i).values()) + "]"
                        : spec.name();
                ObjectNode named = (ObjectNode) WireJson.mapper().readTree(StudySpecs.toJson(spec));
                named.put("name", studyName);
                studies.insert(studyId, studyName, owner, WireJson.write(named), spec.simulator().name(),
                        spec.estimator().kind().wireName(), spec.maxSteps());
                campaigns.joinGroup(studyId, id, i, WireJson.write(members.get(i).values()));
                events.append(studyId, StudyEventType.STATUS, "created by " + owner + " as member " + (i + 1) + " of "
                        + members.size() + " of group " + id);
            }
            return campaigns.group(id).orElseThrow();
        });
    }

    /** The varied path a spec problem is about, if any (paths name fields as the spec parser does or by element name). */
    private static String variedField(String problemField, ObjectNode spec, Iterable<String> paths) {
        for (String path : paths) {
            if (path.equals(problemField) || canonical(spec, path).equals(problemField)) {
                return path;
            }
        }
        return null;
    }

    /** {@code parameters.mu.initial} → {@code parameters[0].initial}, as the spec parser names fields. */
    private static String canonical(ObjectNode spec, String path) {
        StringBuilder out = new StringBuilder();
        JsonNode node = spec;
        for (String segment : path.split("\\.")) {
            if (node != null && node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    JsonNode name = node.get(i).get("name");
                    if (name != null && name.isString() && name.asString().equals(segment)) {
                        out.append('[').append(i).append(']');
                        node = node.get(i);
                        break;
                    }
                }
                continue;
            }
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(segment);
            node = node == null ? null : node.get(segment.replaceAll("\\[\\d+]$", ""));
        }
        return out.toString();
    }

    private static List<Member> product(ObjectNode base, Map<String, List<JsonNode>> vary) {
        List<Member> members = new ArrayList<>();
        members.add(new Member(base, new LinkedHashMap<>()));
        for (Map.Entry<String, List<JsonNode>> entry : vary.entrySet()) {
            List<Member> next = new ArrayList<>();
            for (Member member : members) {
                for (JsonNode value : entry.getValue()) {
                    ObjectNode spec = member.spec().deepCopy();
                    SpecPaths.find(spec, entry.getKey()).set(value);
                    Map<String, JsonNode> values = new LinkedHashMap<>(member.values());
                    values.put(entry.getKey(), value);
                    next.add(new Member(spec, values));
                }
            }
            members = next;
        }
        return members;
    }

    static String describe(Map<String, JsonNode> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((path, value) -> parts.add(path + "=" + (value.isString() ? value.asString() : value.toString())));
        return String.join(", ", parts);
    }

    /** Starts every member that is CREATED. */
    public void start(UUID groupId) {
        each(groupId, StudyTransition.START, lifecycle::start);
    }

    public void pause(UUID groupId) {
        each(groupId, StudyTransition.PAUSE, lifecycle::pause);
    }

    public void resume(UUID groupId) {
        each(groupId, StudyTransition.RESUME, lifecycle::resume);
    }

    public void cancel(UUID groupId) {
        each(groupId, StudyTransition.CANCEL, lifecycle::cancel);
    }

    /** Applies an action to every member whose status allows it (a member changing meanwhile is skipped). */
    private void each(UUID groupId, StudyTransition transition, Function<UUID, StudyRow> action) {
        campaigns.group(groupId).orElseThrow(() -> new NotFoundException("group", groupId));
        for (UUID member : campaigns.members(groupId)) {
            StudyRow row = studies.find(member).orElse(null);
            if (row != null && transition.allowedFrom(row.status())) {
                try {
                    action.apply(member);
                } catch (dev.detopt.service.domain.IllegalTransitionException raced) {
                    // Its status changed since it was read (e.g. it completed): nothing to do for it.
                }
            }
        }
    }
}
