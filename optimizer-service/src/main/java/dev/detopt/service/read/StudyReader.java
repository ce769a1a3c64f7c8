package dev.detopt.service.read;

import dev.detopt.model.study.DesignUncertainty;
import dev.detopt.model.study.HistoryCsv;
import dev.detopt.model.categorical.SoftmaxChoice;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.queue.TaskRepository;
import dev.detopt.service.queue.TaskRow;
import dev.detopt.service.queue.WorkerRepository;
import dev.detopt.service.queue.WorkerRow;
import dev.detopt.service.read.StudyViews.Best;
import dev.detopt.service.read.StudyViews.EventView;
import dev.detopt.service.read.StudyViews.EventsView;
import dev.detopt.service.read.StudyViews.Export;
import dev.detopt.service.read.StudyViews.QueueView;
import dev.detopt.service.read.StudyViews.Series;
import dev.detopt.service.read.StudyViews.SeriesPoint;
import dev.detopt.service.read.StudyViews.StepView;
import dev.detopt.service.read.StudyViews.TaskView;
import dev.detopt.service.read.StudyViews.TasksView;
import dev.detopt.service.study.SeriesDownsampler;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyArtifacts;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * The read side: every view of studies, steps, series, tasks, the event log, exports, the fleet,
 * and the SSE change feed. Controllers read through this service only, never the repositories.
 */
@Service
public class StudyReader {
    private final StudyRepository studies;
    private final StepRepository steps;
    private final TaskRepository tasks;
    private final WorkerRepository workers;
    private final StudyEventLog events;
    private final StudyArtifacts artifacts;

    public StudyReader(StudyRepository studies, StepRepository steps, TaskRepository tasks, WorkerRepository workers,
                       StudyEventLog events, StudyArtifacts artifacts) {
        this.artifacts = artifacts;
        this.studies = studies;
        this.steps = steps;
        this.tasks = tasks;
        this.workers = workers;
        this.events = events;
    }

    private StudyRow row(UUID id) {
        return studies.find(id).orElseThrow(() -> NotFoundException.study(id));
    }

    /** Throws {@link NotFoundException} unless the study exists (for checks that must come first). */
    public void requireStudy(UUID id) {
        row(id);
    }

    /** The single-study view (with spec, state and recent throughput); 404 when there is no such study. */
    public StudyView view(UUID id) {
        return view(row(id));
    }

    /** The single-study view of a row just read or changed. */
    public StudyView view(StudyRow row) {
        return StudyView.of(row, studies.activeWorkers(row.id()),
                steps.recentEventsPerSecond(row.id(), StudyView.THROUGHPUT_WINDOW), WireJson.mapper().readTree(row.specJson()),
                row.stateJson() == null ? null : WireJson.mapper().readTree(row.stateJson()));
    }

    /** Studies newest first, optionally of one status, as summaries. */
    public Page<StudyView> list(StudyStatus status, int page, int size) {
        return list(status, null, null, page, size);
    }

    /** Studies newest first, filtered by status, tag and text in name or description (each optional). */
    public Page<StudyView> list(StudyStatus status, String tag, String text, int page, int size) {
        List<StudyRow> rows = studies.list(status, tag, text, size, (long) page * size);
        Map<UUID, Integer> active = studies.activeWorkers(rows.stream().map(StudyRow::id).toList());
        List<StudyView> items = rows.stream().map(row -> StudyView.summary(row, active.getOrDefault(row.id(), 0))).toList();
        return new Page<>(items, page, size, studies.count(status, tag, text));
    }

    /** Completed steps, {@code size} per page: oldest first, or newest first. */
    public Page<StepView> steps(UUID id, int page, int size, boolean newestFirst) {
        row(id);
        long from = (long) page * size;
        List<StepView> items = from > Integer.MAX_VALUE ? List.of() : steps.page(id, (int) from, size, newestFirst).stream()
                .map(step -> new StepView(step.step(), WireJson.mapper().readTree(step.recordJson()), step.startedAt(),
                        step.completedAt(), step.durationMillis()))
                .toList();
        return new Page<>(items, page, size, steps.count(id));
    }

    /** The loss, gradient and design series for plots, downsampled to at most {@code maxPoints}. */
    public Series series(UUID id, int maxPoints) {
        return series(id, maxPoints, List.of());
    }

    /**
     * The series, each point with the estimates of the named observables (those a step recorded;
     * none for an empty list).
     */
    public Series series(UUID id, int maxPoints, List<String> observables) {
        row(id);
        List<StepRepository.SeriesPoint> all = steps.series(id);
        List<Integer> keep = SeriesDownsampler.select(all, maxPoints, StepRepository.SeriesPoint::total);
        List<SeriesPoint> points = new ArrayList<>(keep.size());
        for (int index : keep) {
            StepRepository.SeriesPoint point = all.get(index);
            StepRecord record = WireJson.read(point.recordJson(), StepRecord.class);
            points.add(new SeriesPoint(point.step(), finite(record.physics()), finite(record.cost()),
                    finite(record.penalty()), finite(record.total()), finite(record.gradientNorm()), point.eventsTotal(),
                    record.theta(), record.gradient(), record.gradientStderr(), finite(record.physicsStderr()),
                    selected(record, observables), probabilities(record)));
        }
        return new Series(id, all.size(), points.size(), points.size() < all.size(), points);
    }

    /** Each categorical's probability per choice (choice order kept), or null without categoricals. */
    private static Map<String, Map<String, Double>> probabilities(StepRecord record) {
        if (record.categoricals().isEmpty()) {
            return null;
        }
        Map<String, Map<String, Double>> probabilities = new java.util.LinkedHashMap<>();
        record.categoricals().forEach((name, estimate) -> {
            Map<String, Double> perChoice = new java.util.LinkedHashMap<>();
            for (int k = 0; k < estimate.choices().size(); k++) {
                perChoice.put(estimate.choices().get(k), estimate.probabilities().get(k));
            }
            probabilities.put(name, perChoice);
        });
        return probabilities;
    }

    private static Map<String, StepRecord.ObservableEstimate> selected(StepRecord record, List<String> names) {
        if (names.isEmpty() || record.observables() == null) {
            return null;
        }
        Map<String, StepRecord.ObservableEstimate> chosen = new java.util.LinkedHashMap<>();
        for (String name : names) {
            StepRecord.ObservableEstimate estimate = record.observables().get(name);
            if (estimate != null) {
                chosen.put(name, new StepRecord.ObservableEstimate(estimate.mean(), estimate.stderr(), null));
            }
        }
        return chosen;
    }

    /** The best design so far by total loss (all null before the first step completes). */
    public Best best(UUID id) {
        StudyRow study = row(id);
        if (study.stateJson() == null) {
            return new Best(id, null, null, null);
        }
        StudyState.Best best = WireJson.read(study.stateJson(), StudyState.class).best();
        return best == null ? new Best(id, null, null, null) : new Best(id, best.step(), finite(best.total()), best.theta());
    }

    /**
     * The study's answer: θ after the last update, deviation from a simulated target, uncertainty
     * per free parameter ({@link DesignUncertainty}), the best step honestly labelled, and timing.
     */
    public StudyAnswer answer(UUID id) {
        StudyRow study = row(id);
        JsonNode spec = WireJson.mapper().readTree(study.specJson());
        StudyState state = study.stateJson() == null ? null : WireJson.read(study.stateJson(), StudyState.class);
        List<StepRecord> recent = steps.newestRecords(id, DesignUncertainty.SPREAD_WINDOW).stream()
                .map(json -> WireJson.read(json, StepRecord.class)).toList();
        StepRecord newest = recent.isEmpty() ? null : recent.getLast();
        JsonNode objective = spec.path("objective");
        String objectiveType = objective.path("type").asString(null);
        boolean profileMatch = "profile-match".equals(objectiveType);
        String lossObservable = profileMatch ? objective.path("observables").path(0).asString(null)
                : objective.path("observable").asString("loss");
        String lossUnit = PhysicsLabels.lossUnit(study.simulator(), objectiveType, lossObservable);

        List<String> free = newest == null ? List.of() : List.copyOf(newest.gradient().keySet());
        DesignUncertainty.Estimate estimate = DesignUncertainty.of(profileMatch, free, recent);
        JsonNode targets = objective.path("target").path("simulate").path("parameters");

        Map<String, Double> finalTheta = state == null ? null : state.theta();
        List<StudyAnswer.ParameterAnswer> parameters = new ArrayList<>();
        List<StudyAnswer.CategoricalAnswer> categoricals = new ArrayList<>();
        Map<String, String> chosen = new java.util.HashMap<>();
        for (JsonNode p : spec.path("parameters")) {
            if (p.has("choices")) {
                StudyAnswer.CategoricalAnswer categorical = categoricalAnswer(p.path("name").asString(), p, state, newest);
                categoricals.add(categorical);
                chosen.put(categorical.name(), categorical.choice());
            }
        }
        for (JsonNode p : spec.path("parameters")) {
            String name = p.path("name").asString();
            if (p.has("choices")) {
                continue;
            }
            Double value = finalTheta == null ? (Double) p.path("initial").asDouble() : finalTheta.get(name);
            Double target = targets.has(name) ? targets.path(name).asDouble() : null;
            Double deviation = target == null || value == null ? null : value - target;
            Double relative = deviation == null || target == 0 ? null : deviation / target;
            Double gradient = newest == null ? null : newest.gradient().get(name);
            Double gradientStderr = newest == null ? null : newest.gradientStderr().get(name);
            Double signalToNoise = gradient == null || gradientStderr == null || !(gradientStderr > 0) ? null
                    : Math.abs(gradient) / gradientStderr;
            parameters.add(new StudyAnswer.ParameterAnswer(name, p.path("unit").asString(null),
                    PhysicsLabels.meaning(study.simulator(), name, chosen), p.path("frozen").asBoolean(false),
                    value == null ? Double.NaN : value, p.hasNonNull("lower") ? p.path("lower").asDouble() : null,
                    p.hasNonNull("upper") ? p.path("upper").asDouble() : null, target, finite(deviation),
                    finite(relative), finite(estimate.stderr().get(name)), finite(gradient), finite(gradientStderr),
                    finite(signalToNoise)));
        }

        StudyAnswer.StepLoss latest = newest == null ? null : new StudyAnswer.StepLoss(newest.step(),
                finite(newest.total()), finite(newest.physics()), finite(newest.physicsStderr()));
        StudyAnswer.BestSoFar best = null;
        if (state != null && state.best() != null) {
            StudyState.Best b = state.best();
            Double bestStderr = steps.record(id, b.step()).map(json -> WireJson.read(json, StepRecord.class))
                    .map(r -> finite(r.physicsStderr())).orElse(null);
            Double difference = newest == null ? null : finite(newest.total() - b.total());
            Double differenceStderr = newest == null || bestStderr == null || !Double.isFinite(newest.physicsStderr()) ? null
                    : Math.sqrt(bestStderr * bestStderr + newest.physicsStderr() * newest.physicsStderr());
            best = new StudyAnswer.BestSoFar(b.step(), finite(b.total()), bestStderr, b.theta(),
                    "lowest single-step loss estimate: each step's loss is a noisy estimate (± its standard error),"
                            + " so the lowest of them is biased low", difference, differenceStderr);
        }
        String description = switch (estimate.method()) {
            case "gauss-newton" -> "Gauss–Newton: covariance (JᵀWJ)⁻¹ from step " + estimate.steps().getFirst()
                    + "'s Jacobian of the compared observables and their standard errors (W = 1/σ²)";
            case "spread" -> "spread: standard deviation of θ over steps " + estimate.steps().getFirst() + "–"
                    + estimate.steps().getLast() + " (how much the design still moves, not a statistical error)";
            default -> "none: fewer than " + DesignUncertainty.SPREAD_MINIMUM + " steps";
        };
        Instant end = study.finishedAt() != null ? study.finishedAt() : Instant.now();
        Double wallSeconds = study.startedAt() == null ? null
                : java.time.Duration.between(study.startedAt(), end).toMillis() / 1000.0;
        return new StudyAnswer(id, study.status().name(), (int) steps.count(id), finalTheta, lossUnit, latest, best,
                new StudyAnswer.Uncertainty(estimate.method(), estimate.steps(), description), parameters,
                new StudyAnswer.Timing(study.createdAt(), study.startedAt(), study.finishedAt(), "UTC", wallSeconds,
                        study.eventsSimulated()), categoricals);
    }

    /** A categorical's answer: the most probable choice at the logits after the last update. */
    private static StudyAnswer.CategoricalAnswer categoricalAnswer(String name, JsonNode p, StudyState state,
                                                                   StepRecord newest) {
        List<String> choices = new ArrayList<>();
        p.path("choices").forEach(c -> choices.add(c.asString()));
        List<Double> logits = new ArrayList<>();
        if (state != null && state.logits().containsKey(name)) {
            logits.addAll(state.logits().get(name));
        } else {
            p.path("logits").forEach(l -> logits.add(l.asDouble()));
        }
        SoftmaxChoice distribution = new SoftmaxChoice(choices, logits.stream().mapToDouble(Double::doubleValue).toArray());
        int best = distribution.mostProbable();
        List<Double> gradient = newest == null || !newest.categoricals().containsKey(name) ? null
                : newest.categoricals().get(name).gradient();
        return new StudyAnswer.CategoricalAnswer(name, p.path("unit").asString(null), p.path("frozen").asBoolean(false),
                choices.get(best), distribution.probability(best), choices,
                java.util.Arrays.stream(distribution.probabilities()).boxed().toList(), gradient);
    }

    /** The study's stored snapshots, in step order, and how often they are taken. */
    public StudyViews.ArtifactsView artifacts(UUID id) {
        StudyRow study = row(id);
        JsonNode every = WireJson.mapper().readTree(study.specJson()).path("artifactEvery");
        List<StudyViews.ArtifactView> items = artifacts.list(id).stream()
                .map(a -> new StudyViews.ArtifactView(a.name(), a.step(),
                        "/api/v1/studies/" + id + "/artifacts/" + a.name()))
                .toList();
        return new StudyViews.ArtifactsView(id, every.isIntegralNumber() ? every.asInt() : StudySpec.DEFAULT_ARTIFACT_EVERY,
                StudyArtifacts.PREFIX + id + "/", items);
    }

    /** One snapshot's JSON by its listed name (404 for a study or snapshot that does not exist). */
    public byte[] artifact(UUID id, String name) {
        row(id);
        return artifacts.read(id, name).orElseThrow(() -> new NotFoundException("artifact", name));
    }

    /** Task counts, the current step's tasks, and a summary of {@code size} steps from {@code fromStep}. */
    public TasksView tasks(UUID id, int fromStep, int size) {
        StudyRow study = row(id);
        List<TaskView> current = tasks.ofStep(id, study.step()).stream().map(StudyReader::view).toList();
        return new TasksView(id, study.step(), tasks.countsByState(id), current, tasks.summaryByStep(id, fromStep, size));
    }

    /** Log entries after {@code after}, at most {@code limit}. */
    public EventsView events(UUID id, long after, int limit) {
        row(id);
        List<EventView> items = logAfter(id, after, limit);
        return new EventsView(items, items.isEmpty() ? after : items.getLast().id());
    }

    List<EventView> logAfter(UUID id, long after, int limit) {
        return events.list(id, after, limit).stream()
                .map(entry -> new EventView(entry.id(), entry.at(), entry.type(), entry.message(),
                        entry.detailsJson() == null ? null : WireJson.mapper().readTree(entry.detailsJson())))
                .toList();
    }

    /**
     * The full history: {@code json} (study, spec, state and every step record, spliced in as
     * stored, so the values are exact) or {@code csv}; null for any other format.
     */
    public Export export(UUID id, String format) {
        StudyRow study = row(id);
        List<String> records = steps.allRecords(id);
        String filename = "study-" + id;
        return switch (format) {
            case "json" -> new Export(filename + ".json", format, exportJson(study, studies.activeWorkers(id), records));
            case "csv" -> new Export(filename + ".csv", format, exportCsv(study, records));
            default -> null;
        };
    }

    /** The change feed of one study for the SSE stream (404 when there is no such study). */
    public StudyFeed feed(UUID id, int fromStep, long afterEvent) {
        row(id);
        return new StudyFeed(this, studies, steps, tasks, id, fromStep, afterEvent);
    }

    /** Registered workers, most recently seen first. */
    public Page<WorkerRow> workers(int page, int size) {
        return new Page<>(workers.list(size, (long) page * size), page, size, workers.count());
    }

    /** The whole queue: leasable and leased tasks, and every task by state. */
    public QueueView queue() {
        var counts = tasks.queuedAndLeased();
        return new QueueView(counts.queued(), counts.leased(), tasks.countsByStateAll());
    }

    private static String exportJson(StudyRow study, int activeWorkers, List<String> records) {
        StringBuilder out = new StringBuilder(256 + records.size() * 400);
        out.append("{\"study\":").append(WireJson.write(StudyView.summary(study, activeWorkers)))
                .append(",\"spec\":").append(study.specJson())
                .append(",\"state\":").append(study.stateJson() == null ? "null" : study.stateJson())
                .append(",\"steps\":[");
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(records.get(i));
        }
        return out.append("]}").toString();
    }

    /** The shared history CSV ({@link HistoryCsv}), the same form the reference runner's CLI writes. */
    static String exportCsv(StudyRow study, List<String> recordsJson) {
        List<StepRecord> records = recordsJson.stream().map(json -> WireJson.read(json, StepRecord.class)).toList();
        Map<String, Double> finalTheta = study.stateJson() == null ? null
                : WireJson.read(study.stateJson(), StudyState.class).theta();
        return HistoryCsv.write(records, finalTheta);
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }

    private static TaskView view(TaskRow task) {
        return new TaskView(task.id(), task.step(), task.batchIndex(), task.eventFrom(), task.eventTo(),
                task.state().name(), task.attempt(), task.leaseOwner(), task.leaseExpiresAt(), task.checkpointKey(),
                task.preemptions(), task.expiries(), task.failures());
    }
}
