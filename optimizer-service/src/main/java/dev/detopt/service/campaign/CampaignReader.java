package dev.detopt.service.campaign;

import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.accounting.StudyAccountant;
import dev.detopt.service.accounting.StudyAccounting;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.read.Page;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** Views of campaigns: a group with its seed bands and Pareto front, the group list, study comparisons. */
@Service
public class CampaignReader {
    /** The spec path whose members are folded into one band. */
    static final String SEED = "seed";
    public static final int MAX_COMPARED = 20;

    private final StudyRepository studies;
    private final StepRepository steps;
    private final CampaignRepository campaigns;
    private final StudyAccountant accountant;

    public CampaignReader(StudyRepository studies, StepRepository steps, CampaignRepository campaigns,
                          StudyAccountant accountant) {
        this.studies = studies;
        this.steps = steps;
        this.campaigns = campaigns;
        this.accountant = accountant;
    }

    public record MemberView(UUID id, String name, String status, JsonNode values, int step, int maxSteps,
                             long eventsSimulated, Double lastTotal, Double bestTotal, Integer bestStep, String stopReason) {
    }

    /** Members that differ only in seed: their common values and the band of their loss per step. */
    public record Band(JsonNode values, List<UUID> members, List<SeedBands.Point> steps) {
    }

    /** A member's best design: its physics loss and cost at its best step, and whether it is on the front. */
    public record FrontPoint(UUID studyId, JsonNode values, int step, double physics, double cost, Double total,
                             boolean onFront) {
    }

    public record GroupView(UUID id, String name, String owner, Instant createdAt, JsonNode baseSpec, JsonNode vary,
                            Map<String, Integer> statusSummary, List<MemberView> members, List<Band> seedBands,
                            List<FrontPoint> points, List<UUID> paretoFront, StudyAccounting accounting) {
    }

    /** {@code GET /groups/{id}/accounting}: the group's total and each member's own account, in member order. */
    public record GroupAccountingView(UUID groupId, StudyAccounting accounting, Map<UUID, StudyAccounting> members) {
    }

    public GroupAccountingView accounting(UUID id) {
        campaigns.group(id).orElseThrow(() -> new NotFoundException("group", id));
        List<UUID> memberIds = campaigns.members(id);
        Map<UUID, StudyAccounting> members = new LinkedHashMap<>();
        memberIds.forEach(member -> members.put(member, accountant.of(member)));
        return new GroupAccountingView(id, accountant.of(memberIds), members);
    }

    public record GroupSummary(UUID id, String name, String owner, Instant createdAt, JsonNode vary, int members,
                               Map<String, Integer> statusSummary) {
    }

    public GroupView group(UUID id) {
        CampaignRepository.GroupRow group = campaigns.group(id).orElseThrow(() -> new NotFoundException("group", id));
        List<StudyRow> rows = campaigns.members(id).stream().map(studies::find).flatMap(java.util.Optional::stream).toList();
        Map<String, Integer> summary = new LinkedHashMap<>();
        List<MemberView> members = new ArrayList<>();
        for (StudyRow row : rows) {
            summary.merge(row.status().name(), 1, Integer::sum);
            members.add(new MemberView(row.id(), row.name(), row.status().name(), values(row), row.step(), row.maxSteps(),
                    row.eventsSimulated(), finite(row.lastTotal()), finite(row.bestTotal()), row.bestStep(), row.stopReason()));
        }
        List<UUID> ids = rows.stream().map(StudyRow::id).toList();
        Map<UUID, Map<Integer, Double>> totals = campaigns.totals(ids);
        Map<String, List<StudyRow>> bySeedless = new LinkedHashMap<>();
        Map<String, JsonNode> seedlessValues = new LinkedHashMap<>();
        for (StudyRow row : rows) {
            tools.jackson.databind.node.ObjectNode withoutSeed = WireJson.mapper().createObjectNode();
            JsonNode values = values(row);
            if (values != null) {
                for (Map.Entry<String, JsonNode> entry : values.properties()) {
                    if (!SEED.equals(entry.getKey())) {
                        withoutSeed.set(entry.getKey(), entry.getValue());
                    }
                }
            }
            String key = WireJson.write(withoutSeed);
            bySeedless.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            seedlessValues.put(key, withoutSeed);
        }
        List<Band> bands = new ArrayList<>();
        bySeedless.forEach((key, group1) -> bands.add(new Band(seedlessValues.get(key),
                group1.stream().map(StudyRow::id).toList(),
                SeedBands.of(group1.stream().map(row -> totals.get(row.id())).toList()))));

        Map<UUID, JsonNode> valuesById = new LinkedHashMap<>();
        rows.forEach(row -> valuesById.put(row.id(), values(row)));
        List<CampaignRepository.BestPoint> best = campaigns.bestPoints(ids);
        List<ParetoFront.Point<UUID>> candidates = best.stream()
                .map(p -> new ParetoFront.Point<>(p.studyId(), nan(p.physics()), nan(p.cost()))).toList();
        List<UUID> front = ParetoFront.of(candidates).stream().map(ParetoFront.Point::id).toList();
        List<FrontPoint> points = best.stream()
                .filter(p -> p.physics() != null && p.cost() != null)
                .sorted(java.util.Comparator.comparingDouble(CampaignRepository.BestPoint::cost))
                .map(p -> new FrontPoint(p.studyId(), valuesById.get(p.studyId()), p.step(), p.physics(), p.cost(),
                        finite(p.total()), front.contains(p.studyId())))
                .toList();
        return new GroupView(group.id(), group.name(), group.owner(), group.createdAt(),
                WireJson.mapper().readTree(group.baseSpecJson()), WireJson.mapper().readTree(group.varyJson()), summary,
                members, bands, points, front, accountant.of(ids));
    }

    public Page<GroupSummary> groups(int page, int size) {
        List<CampaignRepository.GroupRow> rows = campaigns.groups(size, (long) page * size);
        Map<UUID, Map<String, Integer>> counts = campaigns.statusCounts(rows.stream().map(CampaignRepository.GroupRow::id).toList());
        List<GroupSummary> items = rows.stream().map(row -> {
            Map<String, Integer> summary = counts.getOrDefault(row.id(), Map.of());
            return new GroupSummary(row.id(), row.name(), row.owner(), row.createdAt(),
                    WireJson.mapper().readTree(row.varyJson()), summary.values().stream().mapToInt(Integer::intValue).sum(),
                    summary);
        }).toList();
        return new Page<>(items, page, size, campaigns.countGroups());
    }

    /** One study in a comparison: its final θ (the current state's) and its best step and θ. */
    public record Compared(UUID id, String name, String status, int steps, long eventsSimulated,
                           Map<String, Double> finalTheta, Integer bestStep, Double bestTotal, Map<String, Double> bestTheta) {
    }

    /**
     * Loss series on a shared x axis: {@code x} the union of the studies' steps (or of their events
     * simulated after each step), and per study its loss at each x (null where it has none).
     */
    public record Aligned(List<Long> x, Map<UUID, List<Double>> total, Map<UUID, List<Double>> physics) {
    }

    public record Comparison(List<Compared> studies, Aligned byStep, Aligned byEvents) {
    }

    public Comparison compare(List<UUID> ids) {
        if (ids.isEmpty() || ids.size() > MAX_COMPARED) {
            throw InvalidInputException.of("ids", "give between 1 and " + MAX_COMPARED + " study ids, comma-separated");
        }
        List<Compared> compared = new ArrayList<>();
        Map<UUID, List<StepRepository.SeriesPoint>> series = new LinkedHashMap<>();
        for (UUID id : ids) {
            StudyRow row = studies.find(id).orElseThrow(() -> NotFoundException.study(id));
            StudyState state = row.stateJson() == null ? null : WireJson.read(row.stateJson(), StudyState.class);
            StudyState.Best best = state == null ? null : state.best();
            List<StepRepository.SeriesPoint> points = steps.series(id);
            series.put(id, points);
            compared.add(new Compared(id, row.name(), row.status().name(), points.size(), row.eventsSimulated(),
                    state == null ? null : state.theta(), best == null ? null : best.step(),
                    best == null ? null : finite(best.total()), best == null ? null : best.theta()));
        }
        return new Comparison(compared, align(series, point -> (long) point.step()),
                align(series, StepRepository.SeriesPoint::eventsTotal));
    }

    private static Aligned align(Map<UUID, List<StepRepository.SeriesPoint>> series,
                                 java.util.function.ToLongFunction<StepRepository.SeriesPoint> xOf) {
        TreeSet<Long> xs = new TreeSet<>();
        series.values().forEach(points -> points.forEach(point -> xs.add(xOf.applyAsLong(point))));
        List<Long> x = new ArrayList<>(xs);
        Map<UUID, List<Double>> total = new LinkedHashMap<>();
        Map<UUID, List<Double>> physics = new LinkedHashMap<>();
        series.forEach((id, points) -> {
            Double[] t = new Double[x.size()];
            Double[] p = new Double[x.size()];
            for (StepRepository.SeriesPoint point : points) {
                int at = java.util.Collections.binarySearch(x, xOf.applyAsLong(point));
                t[at] = finite(point.total());
                p[at] = finite(point.physics());
            }
            total.put(id, java.util.Arrays.asList(t));
            physics.put(id, java.util.Arrays.asList(p));
        });
        return new Aligned(x, total, physics);
    }

    private static JsonNode values(StudyRow row) {
        return row.groupValuesJson() == null ? null : WireJson.mapper().readTree(row.groupValuesJson());
    }

    private static double nan(Double value) {
        return value == null ? Double.NaN : value;
    }

    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }
}
