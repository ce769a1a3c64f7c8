package dev.detopt.service.campaign;

import dev.detopt.model.study.CostSpec;
import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.ObjectiveSpec;
import dev.detopt.model.study.ParseResult;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StopReason;
import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.model.study.optimizer.OptimizerState;
import dev.detopt.service.domain.IllegalTransitionException;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.NotFoundException;
import dev.detopt.service.lifecycle.StudyLifecycle;
import dev.detopt.service.study.StepRepository;
import dev.detopt.service.study.StudyEventLog;
import dev.detopt.service.study.StudyEventType;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Continuing studies: a fork (a new study from another's state after a step, its spec changed by a
 * merge patch) and an extension (a study that stopped at its step or event limit continues), and
 * the user's notes on a study. Refusals change nothing.
 */
@Service
public class StudyCampaigns {
    private final StudyRepository studies;
    private final StepRepository steps;
    private final CampaignRepository campaigns;
    private final StudyEventLog events;
    private final StudyLifecycle lifecycle;
    private final SimulatorCatalog catalog;
    private final TransactionTemplate transactions;

    public StudyCampaigns(StudyRepository studies, StepRepository steps, CampaignRepository campaigns, StudyEventLog events,
                          StudyLifecycle lifecycle, SimulatorCatalog catalog, TransactionTemplate transactions) {
        this.studies = studies;
        this.steps = steps;
        this.campaigns = campaigns;
        this.events = events;
        this.lifecycle = lifecycle;
        this.catalog = catalog;
        this.transactions = transactions;
    }

    /**
     * A new study (CREATED, with {@code parentId}) holding the parent's state after {@code fromStep}
     * and the parent's steps 0..fromStep; it continues with step fromStep + 1, whose random streams
     * are those of (its seed, fromStep + 1, event index). With an empty patch its later steps are
     * the parent's, bit for bit.
     *
     * @param specPatch      RFC 7396 merge patch on the parent's spec (null: none)
     * @param resetOptimizer start the optimizer afresh (moments and step count), as after a change of optimizer
     */
    public StudyRow fork(UUID parentId, int fromStep, JsonNode specPatch, boolean resetOptimizer, String owner) {
        StudyRow parent = studies.find(parentId).orElseThrow(() -> NotFoundException.study(parentId));
        String stateJson = steps.stateAfter(parentId, fromStep).orElseThrow(() -> InvalidInputException.of("fromStep",
                "study " + parentId + " has no completed step " + fromStep + " to fork from (it has " + steps.count(parentId)
                        + " steps, numbered from 0)"));
        StudySpec parentSpec = StudySpecs.fromJson(parent.specJson(), catalog);
        ObjectNode patched = (ObjectNode) MergePatch.apply(WireJson.mapper().readTree(parent.specJson()), specPatch);
        if (specPatch == null || !specPatch.has("name")) {
            patched.put("name", parentSpec.name() + " · fork@" + fromStep);
        }
        ParseResult parsed = StudySpecs.parse(patched, catalog);
        if (!parsed.isValid()) {
            throw new InvalidInputException(parsed.problems());
        }
        StudySpec spec = parsed.spec();
        StudyEngine engine = new StudyEngine(spec, catalog, Math.max(1, Runtime.getRuntime().availableProcessors()));
        StudyState state = forkedState(parentSpec, spec, engine, WireJson.read(stateJson, StudyState.class), resetOptimizer);
        List<FieldProblem> limits = limitProblems(spec, state, "maxSteps", "stopping.maxEvents");
        if (!limits.isEmpty()) {
            throw new InvalidInputException(limits);
        }
        StepRecord last = steps.page(parentId, fromStep, 1).stream().findFirst()
                .map(step -> WireJson.read(step.recordJson(), StepRecord.class)).orElseThrow();
        String specJson = StudySpecs.toJson(spec);
        UUID id = UUID.randomUUID();
        return transactions.execute(transaction -> {
            studies.insert(id, spec.name(), owner, specJson, spec.simulator().name(), spec.estimator().kind().wireName(),
                    spec.maxSteps());
            StudyState.Best best = state.best();
            campaigns.markFork(id, parentId, fromStep, WireJson.write(state), state.step(), finite(last.total()),
                    best == null ? null : finite(best.total()), best == null ? null : best.step(), state.eventsSimulated());
            steps.copy(parentId, id, fromStep);
            events.append(id, StudyEventType.STATUS, "created by " + owner);
            events.append(id, StudyEventType.FORKED, "forked from study " + parentId + " after step " + fromStep
                    + (resetOptimizer ? ", optimizer reset" : "") + (specPatch == null || specPatch.isEmpty() ? ""
                    : ", spec patched: " + specPatch));
            return studies.find(id).orElseThrow();
        });
    }

    private StudyState forkedState(StudySpec parentSpec, StudySpec spec, StudyEngine engine, StudyState parent,
                                   boolean resetOptimizer) {
        List<String> names = engine.simulator().parameterNames();
        if (!parent.theta().keySet().equals(new java.util.HashSet<>(names))) {
            throw InvalidInputException.of("simulator", "the fork's simulator has parameters " + names
                    + "; the parent's state has " + parent.theta().keySet());
        }
        boolean sameCategoricals = categoricals(parentSpec).equals(categoricals(spec));
        boolean sameFreeParameters = new StudyEngine(parentSpec, catalog).freeParameters().equals(engine.freeParameters())
                && sameCategoricals;
        boolean sameOptimizer = parentSpec.optimizer().getClass() == spec.optimizer().getClass();
        StudyState initial = null;
        OptimizerState optimizer = parent.optimizer();
        if (resetOptimizer || !sameFreeParameters || !sameOptimizer) {
            if (!resetOptimizer) {
                throw InvalidInputException.of("resetOptimizer", "must be true: the patch changes "
                        + (sameOptimizer ? "which parameters are free" : "the optimizer's type")
                        + ", so the parent's optimizer state does not apply");
            }
            initial = engine.initialState();
            optimizer = initial.optimizer();
        }
        List<Double> target = null;
        if (spec.objective() instanceof ObjectiveSpec.ProfileMatch match && match.target().simulate() != null) {
            boolean sameTarget = parentSpec.objective().equals(spec.objective()) && parentSpec.simulator().equals(spec.simulator())
                    && parentSpec.seed() == spec.seed();
            if (sameTarget && parent.target() != null) {
                target = parent.target();
            } else {
                target = (initial != null ? initial : engine.initialState()).target();
            }
        }
        CostSpec.Penalty penalty = spec.cost() == null ? null : spec.cost().penalty();
        StudyState.PenaltyScale penaltyScale = null;
        if (penalty != null && penalty.automaticLambda()) {
            penaltyScale = parent.penaltyScale() != null ? parent.penaltyScale() : new StudyState.PenaltyScale(0, 0.0, 0.0);
        }
        // categorical logits continue when the fork keeps the same categoricals, else they start from the spec's
        java.util.Map<String, List<Double>> logits = sameCategoricals ? parent.logits()
                : (initial != null ? initial : engine.initialState()).logits();
        return new StudyState(StudyState.VERSION, parent.step(), parent.theta(), optimizer, penaltyScale, target,
                parent.eventsSimulated(), parent.best(), parent.stepsWithoutImprovement(), null, logits);
    }

    /** The categorical parameters of a spec: name, choices and whether frozen (what its logits mean). */
    private static List<List<Object>> categoricals(StudySpec spec) {
        return spec.parameters().stream().filter(dev.detopt.model.study.ParameterSpec::isCategorical)
                .map(p -> List.<Object>of(p.name(), p.choices(), p.frozen())).toList();
    }

    /** Whether a state may take another step under a spec's step and event limits (as {@code StudyEngine} decides). */
    private static List<FieldProblem> limitProblems(StudySpec spec, StudyState state, String stepsField, String eventsField) {
        List<FieldProblem> problems = new ArrayList<>();
        if (state.step() >= spec.maxSteps()) {
            problems.add(new FieldProblem(stepsField, "the study continues at step " + state.step()
                    + ", so maxSteps must be greater than " + state.step() + " (was " + spec.maxSteps() + ")"));
        }
        Long maxEvents = spec.stopping().maxEvents();
        if (maxEvents != null && state.eventsSimulated() + spec.eventsPerStep() > maxEvents) {
            problems.add(new FieldProblem(eventsField, state.eventsSimulated() + " events are simulated and a step takes "
                    + spec.eventsPerStep() + ", so maxEvents must be at least "
                    + (state.eventsSimulated() + spec.eventsPerStep()) + " (was " + maxEvents + ")"));
        }
        return problems;
    }

    /**
     * A study that stopped at its step or event limit continues with a larger one (COMPLETED →
     * RUNNING). 409 unless it is COMPLETED by {@code max-steps} or {@code event-budget}; 422 when
     * the new limits do not allow another step.
     */
    public StudyRow extend(UUID id, Integer maxSteps, Long maxEvents) {
        return lifecycle.extend(id, study -> {
            StudyState state = WireJson.read(study.stateJson(), StudyState.class);
            StopReason reason = state.stopReason();
            if (reason != StopReason.MAX_STEPS && reason != StopReason.EVENT_BUDGET) {
                throw new IllegalTransitionException("cannot extend a study that stopped by " + (reason == null ? "none"
                        : reason.wireName()) + ", only one stopped at its step or event limit (max-steps, event-budget);"
                        + " fork it to continue with another spec");
            }
            StudySpec current = StudySpecs.fromJson(study.specJson(), catalog);
            ObjectNode spec = (ObjectNode) WireJson.mapper().readTree(study.specJson());
            List<FieldProblem> problems = new ArrayList<>();
            List<String> changes = new ArrayList<>();
            if (maxSteps != null) {
                if (maxSteps <= current.maxSteps()) {
                    problems.add(new FieldProblem("maxSteps", "must be larger than the current limit " + current.maxSteps()));
                }
                spec.put("maxSteps", maxSteps);
                changes.add("maxSteps " + current.maxSteps() + " → " + maxSteps);
            }
            if (maxEvents != null) {
                Long was = current.stopping().maxEvents();
                if (was != null && maxEvents <= was) {
                    problems.add(new FieldProblem("maxEvents", "must be larger than the current limit " + was));
                }
                JsonNode stopping = spec.get("stopping");
                ObjectNode stoppingObject = stopping != null && stopping.isObject() ? (ObjectNode) stopping : spec.putObject("stopping");
                stoppingObject.put("maxEvents", maxEvents);
                changes.add("maxEvents " + (was == null ? "none" : was) + " → " + maxEvents);
            }
            if (!problems.isEmpty()) {
                throw new InvalidInputException(problems);
            }
            ParseResult parsed = StudySpecs.parse(spec, catalog);
            if (!parsed.isValid()) {
                throw new InvalidInputException(parsed.problems());
            }
            StudyState continued = new StudyState(StudyState.VERSION, state.step(), state.theta(), state.optimizer(),
                    state.penaltyScale(), state.target(), state.eventsSimulated(), state.best(),
                    state.stepsWithoutImprovement(), null, state.logits());
            List<FieldProblem> limits = limitProblems(parsed.spec(), continued, "maxSteps", "maxEvents");
            if (!limits.isEmpty()) {
                throw new InvalidInputException(limits);
            }
            return new StudyLifecycle.Extension(StudySpecs.toJson(parsed.spec()), parsed.spec().maxSteps(), continued,
                    "extended: " + String.join(", ", changes));
        });
    }

    /** Sets a study's description (when {@code setDescription}; null clears it) and its tags (when not null). */
    public StudyRow notes(UUID id, boolean setDescription, String description, List<String> tags) {
        return transactions.execute(transaction -> {
            studies.lock(id).orElseThrow(() -> NotFoundException.study(id));
            campaigns.setNotes(id, setDescription, description, tags);
            List<String> changed = new ArrayList<>();
            if (setDescription) {
                changed.add("description");
            }
            if (tags != null) {
                changed.add("tags " + tags);
            }
            events.append(id, StudyEventType.NOTES, "notes changed: " + String.join(", ", changed));
            return studies.find(id).orElseThrow();
        });
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
