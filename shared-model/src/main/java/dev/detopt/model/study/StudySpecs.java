package dev.detopt.model.study;

import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.external.ExternalSimulator;
import dev.detopt.model.external.SimulatorDeclaration;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import dev.detopt.model.study.contract.WireJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Study specifications as JSON: {@link #parse} checks everything (syntax, types, unknown fields,
 * non-finite numbers, missing fields, and the semantic rules of docs/study-model.md) and reports
 * every problem at once with its field path; {@link #toJson} writes the form {@link #parse} reads.
 */
public final class StudySpecs {
    /** Values above this many batches per step are almost certainly a unit mistake. */
    static final long MAX_BATCHES_PER_STEP = 100_000;

    /** Reads NaN/Infinity tokens so they become field problems instead of one syntax error. */
    private static final JsonMapper READER = WireJson.mapper().rebuild()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private StudySpecs() {
    }

    public static ParseResult parse(String json) {
        return parse(json, SimulatorCatalog.standard());
    }

    public static ParseResult parse(String json, SimulatorCatalog catalog) {
        if (json == null || json.isBlank()) {
            return ParseResult.invalid(List.of(new FieldProblem("$", "the study specification is empty")));
        }
        JsonNode root;
        try {
            root = READER.readTree(json);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return ParseResult.malformed(new FieldProblem("$", "malformed JSON" + where + ": " + e.getOriginalMessage()));
        }
        return parse(root, catalog);
    }

    /** Validates an already parsed JSON tree (e.g. part of a request body). */
    public static ParseResult parse(JsonNode root) {
        return parse(root, SimulatorCatalog.standard());
    }

    public static ParseResult parse(JsonNode root, SimulatorCatalog catalog) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return ParseResult.invalid(List.of(new FieldProblem("$", "the study specification is empty")));
        }
        List<FieldProblem> problems = new ArrayList<>();
        StudySpec spec;
        try {
            spec = new Parser(catalog, problems).study(root);
        } catch (RuntimeException e) {
            // A bug in a simulator's configuration code must still come back as a problem, not a 500.
            problems.add(new FieldProblem("$", "could not validate the specification: " + e));
            spec = null;
        }
        if (!problems.isEmpty() || spec == null) {
            if (problems.isEmpty()) {
                problems.add(new FieldProblem("$", "invalid specification"));
            }
            return ParseResult.invalid(problems);
        }
        return ParseResult.valid(spec);
    }

    /** Parses or throws {@link InvalidStudySpecException} listing every problem. */
    public static StudySpec fromJson(String json) {
        return parse(json).orThrow();
    }

    /** Parses against a catalogue (e.g. with registered external simulators) or throws. */
    public static StudySpec fromJson(String json, SimulatorCatalog catalog) {
        return parse(json, catalog).orThrow();
    }

    public static String toJson(StudySpec spec) {
        return WireJson.write(spec);
    }

    /** Re-validates a spec built in code (e.g. by tests or the demo) with the standard catalogue. */
    public static StudySpec validated(StudySpec spec) {
        return parse(toJson(spec)).orThrow();
    }

    private static final class Parser {
        private final SimulatorCatalog catalog;
        private final List<FieldProblem> problems;
        private Simulator simulator;
        private SimulatorType.Configured configured;

        Parser(SimulatorCatalog catalog, List<FieldProblem> problems) {
            this.catalog = catalog;
            this.problems = problems;
        }

        private void problem(String field, String message) {
            problems.add(new FieldProblem(field, message));
        }

        StudySpec study(JsonNode root) {
            JsonFields f = JsonFields.of(root, "", problems);
            if (f == null) {
                return null;
            }
            String name = f.string("name", true);
            if (name != null && name.isBlank()) {
                f.problem("name", "must not be blank");
            }
            SimulatorSpec simulatorSpec = simulator(f.object("simulator", true));
            List<ParameterSpec> parameters = parameters(f);
            EstimatorSpec estimator = estimator(f.object("estimator", true), parameters);
            ObjectiveSpec objective = objective(f.object("objective", true), parameters);
            CostSpec cost = cost(f.object("cost", false));
            OptimizerSpec optimizer = optimizer(f.object("optimizer", true));
            Long eventsPerStep = positive(f, "eventsPerStep", true);
            Long eventsPerBatch = positive(f, "eventsPerBatch", false);
            if (eventsPerStep != null && eventsPerBatch != null) {
                if (eventsPerBatch > eventsPerStep) {
                    f.problem("eventsPerBatch", "a batch of " + eventsPerBatch + " events is larger than the step ("
                            + "eventsPerStep = " + eventsPerStep + ")");
                } else if ((eventsPerStep + eventsPerBatch - 1) / eventsPerBatch > MAX_BATCHES_PER_STEP) {
                    f.problem("eventsPerBatch", "gives more than " + MAX_BATCHES_PER_STEP + " batches per step; use larger batches");
                }
            }
            if (eventsPerStep != null && eventsPerStep < 2 && estimator != null
                    && estimator.kind() == EstimatorKind.SCORE_BASELINE) {
                f.problem("eventsPerStep", "the score-baseline estimator needs at least 2 events per step");
            }
            if (eventsPerStep != null && eventsPerStep < 2 && parameters != null
                    && parameters.stream().anyMatch(p -> p.isCategorical() && !p.frozen())) {
                f.problem("eventsPerStep", "a free categorical parameter needs at least 2 events per step "
                        + "(its score-function gradient has a leave-one-out baseline)");
            }
            choicePrices(cost, parameters);
            Long maxSteps = positive(f, "maxSteps", true);
            if (maxSteps != null && maxSteps > Integer.MAX_VALUE) {
                f.problem("maxSteps", "must be at most " + Integer.MAX_VALUE);
            }
            StoppingSpec stopping = stopping(f.object("stopping", false), eventsPerStep);
            Long seed = f.integer("seed", true);
            Long artifactEvery = positive(f, "artifactEvery", false);
            if (artifactEvery != null && artifactEvery > Integer.MAX_VALUE) {
                f.problem("artifactEvery", "must be at most " + Integer.MAX_VALUE);
            }
            f.finish();
            if (!problems.isEmpty()) {
                return null;
            }
            return new StudySpec(name, simulatorSpec, parameters, estimator, objective, cost, optimizer, eventsPerStep,
                    eventsPerBatch == null ? eventsPerStep : eventsPerBatch, Math.toIntExact(maxSteps), stopping, seed,
                    artifactEvery == null ? null : Math.toIntExact(artifactEvery));
        }

        private Long positive(JsonFields f, String field, boolean required) {
            Long value = f.integer(field, required);
            if (value != null && value < 1) {
                f.problem(field, "must be at least 1, was " + value);
                return null;
            }
            return value;
        }

        private SimulatorSpec simulator(JsonFields f) {
            if (f == null) {
                return null;
            }
            String name = f.string("name", true);
            JsonNode config = f.raw("config");
            f.finish();
            if (config != null) {
                // Reported here once; the simulator is then configured without those fields so
                // that the rest of the spec can still be checked against it.
                config = config.deepCopy();
                reportNonFinite(config, f.at("config"));
            }
            if (name == null) {
                return null;
            }
            var type = catalog.find(name);
            if (type.isEmpty()) {
                f.problem("name", catalog.unknownMessage(name));
                return null;
            }
            configured = type.get().configure(config, f.at("config"), problems);
            if (configured == null) {
                return null;
            }
            simulator = configured.simulator();
            return new SimulatorSpec(name, configured.effectiveConfig());
        }

        /** Reports non-finite numbers under {@code node} and removes them from objects. */
        private void reportNonFinite(JsonNode node, String path) {
            if (node.isObject()) {
                List<String> nonFinite = new ArrayList<>();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    JsonNode value = field.getValue();
                    if (value.isNumber() && !Double.isFinite(value.doubleValue())) {
                        problem(path + "." + field.getKey(), "must be a finite number (NaN and ±Infinity are not allowed)");
                        nonFinite.add(field.getKey());
                    } else {
                        reportNonFinite(value, path + "." + field.getKey());
                    }
                }
                nonFinite.forEach(((ObjectNode) node)::remove);
            } else if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
                problem(path, "must be a finite number (NaN and ±Infinity are not allowed)");
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    reportNonFinite(node.get(i), path + "[" + i + "]");
                }
            }
        }

        private List<ParameterSpec> parameters(JsonFields root) {
            List<JsonNode> nodes = root.array("parameters", true);
            if (nodes == null) {
                return null;
            }
            if (nodes.isEmpty()) {
                root.problem("parameters", "must list the simulator's parameters");
                return null;
            }
            List<ParameterSpec> parameters = new ArrayList<>();
            boolean complete = true;
            for (int i = 0; i < nodes.size(); i++) {
                ParameterSpec parameter = parameter(nodes.get(i), "parameters[" + i + "]");
                complete &= parameter != null;
                parameters.add(parameter);
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < parameters.size(); i++) {
                ParameterSpec p = parameters.get(i);
                if (p == null) {
                    continue;
                }
                if (!seen.add(p.name())) {
                    problem("parameters[" + i + "].name", "parameter '" + p.name() + "' is listed twice");
                    complete = false;
                }
                if (p.isCategorical()) {
                    continue; // its name and choices were checked against the simulator's categoricals
                }
                if (simulator != null && !simulator.parameterNames().contains(p.name())) {
                    problem("parameters[" + i + "].name", "simulator '" + simulator.name() + "' has no parameter '"
                            + p.name() + "'; it has " + String.join(", ", simulator.parameterNames()));
                    complete = false;
                } else if (simulator instanceof ExternalSimulator external) {
                    declaredBounds(external, p, "parameters[" + i + "]");
                }
            }
            if (simulator != null && complete) {
                for (String required : simulator.parameterNames()) {
                    if (!seen.contains(required)) {
                        root.problem("parameters", "simulator parameter '" + required + "' is missing; list it "
                                + "(with \"frozen\": true to keep it fixed at its initial value)");
                    }
                }
            }
            if (complete && parameters.stream().allMatch(ParameterSpec::frozen)) {
                root.problem("parameters", "every parameter is frozen: at least one must be free to optimize");
            }
            return complete ? parameters : null;
        }

        /** A program's declared bounds: the spec's bounds (and so every θ it will be sent) must lie inside. */
        private void declaredBounds(ExternalSimulator external, ParameterSpec p, String path) {
            SimulatorDeclaration.Parameter declared = external.registration().declaration().parameters()
                    .get(external.parameterIndex(p.name()));
            if (p.frozen()) {
                if ((declared.lower() != null && p.initial() < declared.lower())
                        || (declared.upper() != null && p.initial() > declared.upper())) {
                    problem(path + ".initial", "simulator '" + external.name() + "' accepts " + p.name() + " in ["
                            + declared.lower() + ", " + declared.upper() + "]");
                }
                return;
            }
            if (declared.lower() != null && (p.lower() == null || p.lower() < declared.lower())) {
                problem(path + ".lower", "simulator '" + external.name() + "' accepts " + p.name() + " ≥ " + declared.lower()
                        + "; give a lower bound of at least that");
            }
            if (declared.upper() != null && (p.upper() == null || p.upper() > declared.upper())) {
                problem(path + ".upper", "simulator '" + external.name() + "' accepts " + p.name() + " ≤ " + declared.upper()
                        + "; give an upper bound of at most that");
            }
        }

        private ParameterSpec parameter(JsonNode node, String path) {
            JsonFields f = JsonFields.of(node, path, problems);
            if (f == null) {
                return null;
            }
            if (node.has("choices")) {
                return CategoricalSpecs.categorical(f, simulator, problems);
            }
            int before = problems.size();
            String name = f.string("name", true);
            String unit = f.string("unit", false);
            Double initial = f.number("initial", true);
            Double lower = f.number("lower", false);
            Double upper = f.number("upper", false);
            Double scale = f.number("scale", false);
            Double learningRate = f.number("learningRate", false);
            Boolean frozen = f.bool("frozen", false);
            f.finish();
            if (scale != null && scale <= 0) {
                f.problem("scale", "must be positive, was " + scale);
            }
            if (learningRate != null && learningRate <= 0) {
                f.problem("learningRate", "must be positive, was " + learningRate);
            }
            if (lower != null && upper != null && !(lower < upper)) {
                f.problem("lower", "lower bound " + lower + " must be below the upper bound " + upper);
            } else if (initial != null) {
                if (lower != null && initial < lower) {
                    f.problem("initial", "initial value " + initial + " is below the lower bound " + lower);
                }
                if (upper != null && initial > upper) {
                    f.problem("initial", "initial value " + initial + " is above the upper bound " + upper);
                }
            }
            if (problems.size() > before) {
                return null;
            }
            return new ParameterSpec(name, unit, initial, lower, upper, scale == null ? 1.0 : scale, learningRate,
                    frozen != null && frozen);
        }

        private EstimatorSpec estimator(JsonFields f, List<ParameterSpec> parameters) {
            if (f == null) {
                return null;
            }
            int before = problems.size();
            String kindName = f.string("kind", true);
            EstimatorKind kind = null;
            if (kindName != null) {
                try {
                    kind = EstimatorKind.fromWireName(kindName);
                } catch (IllegalArgumentException e) {
                    f.problem("kind", e.getMessage());
                }
            }
            Map<String, Double> steps = numberMap(f, "finiteDifferenceSteps");
            Boolean crn = f.bool("commonRandomNumbers", false);
            Boolean reuse = f.bool("reuseUniforms", false);
            Map<String, Double> widths = numberMap(f, "surrogateWidths");
            Boolean quadratic = f.bool("surrogateQuadratic", false);
            f.finish();
            checkPerParameter(f, "finiteDifferenceSteps", steps);
            checkPerParameter(f, "surrogateWidths", widths);
            if (kind != null && simulator != null && !simulator.supportedEstimators().contains(kind)) {
                f.problem("kind", "estimator '" + kind.wireName() + "' does not apply to simulator '" + simulator.name()
                        + "'; supported: " + simulator.supportedEstimators().stream().sorted()
                        .map(EstimatorKind::wireName).collect(Collectors.joining(", ")));
            }
            if (problems.size() > before || kind == null) {
                return null;
            }
            Map<String, Double> completeSteps = new LinkedHashMap<>();
            if (kind == EstimatorKind.FINITE_DIFFERENCE && parameters != null) {
                for (ParameterSpec p : parameters.stream().filter(p -> !p.isCategorical()).toList()) {
                    completeSteps.put(p.name(), steps != null && steps.containsKey(p.name()) ? steps.get(p.name()) : 0.01 * p.scale());
                }
            } else if (steps != null) {
                completeSteps.putAll(steps);
            }
            Map<String, Double> completeWidths = new LinkedHashMap<>();
            if (kind == EstimatorKind.SURROGATE && parameters != null) {
                for (ParameterSpec p : parameters.stream().filter(p -> !p.isCategorical()).toList()) {
                    completeWidths.put(p.name(), widths != null && widths.containsKey(p.name()) ? widths.get(p.name())
                            : EstimatorSpec.DEFAULT_SURROGATE_WIDTH * p.scale());
                }
            } else if (widths != null) {
                completeWidths.putAll(widths);
            }
            return new EstimatorSpec(kind, completeSteps, crn == null || crn, reuse == null || reuse, completeWidths,
                    quadratic != null && quadratic);
        }

        /** A map of parameter name → positive number (finite-difference steps, surrogate widths). */
        private void checkPerParameter(JsonFields f, String field, Map<String, Double> values) {
            if (values == null) {
                return;
            }
            for (Map.Entry<String, Double> entry : values.entrySet()) {
                if (entry.getValue() <= 0) {
                    problem(f.at(field) + "." + entry.getKey(), "must be positive, was " + entry.getValue());
                }
                if (simulator != null && !simulator.parameterNames().contains(entry.getKey())) {
                    problem(f.at(field) + "." + entry.getKey(), "simulator '" + simulator.name()
                            + "' has no parameter '" + entry.getKey() + "'");
                }
            }
        }

        /** An object of name → finite number, or null (problems recorded) when absent or invalid. */
        private Map<String, Double> numberMap(JsonFields f, String field) {
            JsonNode node = f.raw(field);
            if (node == null) {
                return null;
            }
            if (!node.isObject()) {
                f.problem(field, "must be a JSON object of name → number");
                return null;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            boolean ok = true;
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                Double value = JsonFields.number(entry.getValue(), f.at(field) + "." + entry.getKey(), problems);
                ok &= value != null;
                values.put(entry.getKey(), value);
            }
            return ok ? values : null;
        }

        private ObjectiveSpec objective(JsonFields f, List<ParameterSpec> parameters) {
            if (f == null) {
                return null;
            }
            String type = f.string("type", true);
            if (type == null) {
                return null;
            }
            int before = problems.size();
            ObjectiveSpec objective = switch (type) {
                case "profile-match" -> profileMatch(f);
                case "energy-resolution" -> {
                    String observable = observable(f, "observable", "visible");
                    String squared = observable(f, "squaredObservable", "visible.squared");
                    yield new ObjectiveSpec.EnergyResolution(observable, squared);
                }
                case "expected-loss" -> new ObjectiveSpec.ExpectedLoss(observable(f, "observable", "loss"));
                default -> {
                    f.problem("type", "unknown objective type '" + type + "'; known: profile-match, energy-resolution, expected-loss");
                    yield null;
                }
            };
            if (objective == null) {
                return null; // unknown type: its other fields cannot be judged
            }
            f.finish();
            return problems.size() > before ? null : objective;
        }

        private String observable(JsonFields f, String field, String defaultName) {
            String name = f.string(field, false);
            String chosen = name == null ? defaultName : name;
            if (simulator != null && !simulator.observableNames().contains(chosen)) {
                f.problem(field, "simulator '" + simulator.name() + "' has no observable '" + chosen + "'"
                        + (name == null ? " (the default)" : "") + "; it has " + summarise(simulator.observableNames()));
            }
            return chosen;
        }

        private static String summarise(List<String> names) {
            return names.size() <= 12 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 6)) + ", …, " + String.join(", ", names.subList(names.size() - 4, names.size()));
        }

        private ObjectiveSpec profileMatch(JsonFields f) {
            List<JsonNode> selectorNodes = f.array("observables", true);
            List<String> selectors = new ArrayList<>();
            int expanded = -1;
            if (selectorNodes != null) {
                if (selectorNodes.isEmpty()) {
                    f.problem("observables", "must name at least one observable");
                }
                Set<String> picked = new HashSet<>();
                int count = 0;
                for (int i = 0; i < selectorNodes.size(); i++) {
                    JsonNode node = selectorNodes.get(i);
                    String path = f.at("observables") + "[" + i + "]";
                    if (!node.isString()) {
                        problem(path, "must be a string (an observable name or a prefix pattern like gap.*)");
                        continue;
                    }
                    selectors.add(node.stringValue());
                    if (simulator != null) {
                        List<String> matched = ObservableSelection.matches(node.stringValue(), simulator.observableNames());
                        if (matched.isEmpty()) {
                            problem(path, "matches no observable of simulator '" + simulator.name() + "'; it has "
                                    + summarise(simulator.observableNames()));
                        }
                        for (String name : matched) {
                            if (!picked.add(name)) {
                                problem(path, "selects observable '" + name + "' a second time");
                            }
                        }
                        count += matched.size();
                    }
                }
                if (simulator != null) {
                    expanded = count;
                }
            }
            List<Double> weights = numberList(f, "weights");
            if (weights != null) {
                for (int i = 0; i < weights.size(); i++) {
                    if (weights.get(i) < 0) {
                        problem(f.at("weights") + "[" + i + "]", "must not be negative");
                    }
                }
                if (expanded >= 0 && weights.size() != expanded) {
                    f.problem("weights", "has " + weights.size() + " entries but the observables select " + expanded);
                }
            }
            ObjectiveSpec.Target target = target(f.object("target", true), expanded);
            return new ObjectiveSpec.ProfileMatch(selectors, weights, target);
        }

        private List<Double> numberList(JsonFields f, String field) {
            List<JsonNode> nodes = f.array(field, false);
            if (nodes == null) {
                return null;
            }
            List<Double> values = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < nodes.size(); i++) {
                Double value = JsonFields.number(nodes.get(i), f.at(field) + "[" + i + "]", problems);
                ok &= value != null;
                values.add(value);
            }
            return ok ? values : null;
        }

        private ObjectiveSpec.Target target(JsonFields f, int expanded) {
            if (f == null) {
                return null;
            }
            boolean hasValues = f.has("values");
            List<Double> values = numberList(f, "values");
            JsonFields simulate = f.object("simulate", false);
            f.finish();
            if (hasValues == (simulate != null || f.has("simulate"))) {
                f.problem(null, "give exactly one of \"values\" (one number per observable) or \"simulate\" (a design to simulate)");
                return null;
            }
            if (values != null) {
                if (expanded >= 0 && values.size() != expanded) {
                    f.problem("values", "has " + values.size() + " entries but the observables select " + expanded);
                }
                return new ObjectiveSpec.Target(values, null);
            }
            if (simulate == null) {
                return null;
            }
            Map<String, Double> parameters = numberMap(simulate, "parameters");
            if (!simulate.has("parameters")) {
                simulate.problem("parameters", "is required (θ* by parameter name)");
            }
            Long events = positive(simulate, "events", true);
            Long seed = simulate.integer("seed", false);
            simulate.finish();
            if (simulator instanceof ExternalSimulator) {
                // the service would have to run the program itself; it never runs external programs
                f.problem("simulate", "is not available for external simulator programs; give the target as \"values\"");
            }
            if (parameters != null && simulator != null) {
                for (String name : parameters.keySet()) {
                    if (!simulator.parameterNames().contains(name)) {
                        problem(simulate.at("parameters") + "." + name, "simulator '" + simulator.name()
                                + "' has no parameter '" + name + "'");
                    }
                }
            }
            if (parameters == null || events == null) {
                return null;
            }
            return new ObjectiveSpec.Target(null, new ObjectiveSpec.SimulatedTarget(parameters, events, seed));
        }

        /**
         * Prices per choice name a categorical parameter of the spec, price each of its choices, and
         * replace the region's single price ({@code cost.choicePrices.<name>.<choice>}).
         */
        private void choicePrices(CostSpec cost, List<ParameterSpec> parameters) {
            if (cost == null || parameters == null) {
                return;
            }
            Map<String, String> regions = configured == null ? Map.of() : configured.geometry().categoricalMaterials();
            for (Map.Entry<String, Map<String, Double>> entry : cost.choicePrices().entrySet()) {
                String path = "cost.choicePrices." + entry.getKey();
                ParameterSpec categorical = parameters.stream()
                        .filter(p -> p.isCategorical() && p.name().equals(entry.getKey())).findFirst().orElse(null);
                if (categorical == null) {
                    problem(path, "the spec has no categorical parameter '" + entry.getKey() + "'");
                    continue;
                }
                String region = regions.get(entry.getKey());
                if (region == null) {
                    problem(path, "simulator '" + simulator.name() + "' has no priced region for '" + entry.getKey() + "'");
                    continue;
                }
                if (cost.materialPrices().containsKey(region)) {
                    problem("cost.materialPrices." + region, "the " + region + " is priced per choice of '"
                            + entry.getKey() + "' in cost.choicePrices." + entry.getKey() + "; remove this price");
                }
                for (String choice : entry.getValue().keySet()) {
                    if (!categorical.choices().contains(choice)) {
                        problem(path + "." + choice, "'" + choice + "' is not a choice of " + entry.getKey() + " ("
                                + String.join(", ", categorical.choices()) + ")");
                    }
                }
                for (String choice : categorical.choices()) {
                    if (!entry.getValue().containsKey(choice)) {
                        problem(path, "has no price for choice '" + choice + "'; price every choice");
                    }
                }
            }
        }

        private CostSpec cost(JsonFields f) {
            if (f == null) {
                return null;
            }
            int before = problems.size();
            Map<String, Double> prices = numberMap(f, "materialPrices");
            Map<String, Map<String, Double>> choicePrices = null;
            JsonFields choiceNode = f.object("choicePrices", false);
            if (choiceNode != null) {
                choicePrices = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> entry : f.raw("choicePrices").properties()) {
                    Map<String, Double> perChoice = numberMap(choiceNode, entry.getKey());
                    if (perChoice == null) {
                        continue;
                    }
                    perChoice.forEach((choice, price) -> {
                        if (price < 0) {
                            problem(choiceNode.at(entry.getKey()) + "." + choice, "must not be negative");
                        }
                    });
                    choicePrices.put(entry.getKey(), perChoice);
                }
            }
            Double channelPrice = f.number("channelPrice", false);
            Double budget = f.number("budget", false);
            CostSpec.Penalty penalty = penalty(f.object("penalty", false));
            boolean penaltyGiven = f.has("penalty");
            f.finish();
            if (prices != null) {
                for (Map.Entry<String, Double> price : prices.entrySet()) {
                    String path = f.at("materialPrices") + "." + price.getKey();
                    if (price.getValue() < 0) {
                        problem(path, "must not be negative");
                    }
                    if (configured != null && !configured.geometry().materials().contains(price.getKey())) {
                        problem(path, "simulator '" + simulator.name() + "' has no material '" + price.getKey()
                                + "'; its materials: " + String.join(", ", configured.geometry().materials()));
                    }
                }
            }
            if (channelPrice != null && channelPrice < 0) {
                f.problem("channelPrice", "must not be negative");
            }
            if (budget != null && budget <= 0) {
                f.problem("budget", "must be positive");
            }
            if (penaltyGiven && budget == null && !f.has("budget")) {
                f.problem("budget", "is required when a penalty is given");
            }
            if (budget != null && !penaltyGiven) {
                f.problem("penalty", "is required when a budget is set: {\"shape\": \"logistic\"} or {\"shape\": \"additive\"}");
            }
            if (problems.size() > before) {
                return null;
            }
            return new CostSpec(prices, channelPrice == null ? 0.0 : channelPrice, budget, penalty, choicePrices);
        }

        private CostSpec.Penalty penalty(JsonFields f) {
            if (f == null) {
                return null;
            }
            int before = problems.size();
            String shapeName = f.string("shape", true);
            CostSpec.PenaltyShape shape = shapeName == null ? null : CostSpec.PenaltyShape.fromWireName(shapeName);
            if (shapeName != null && shape == null) {
                f.problem("shape", "unknown penalty shape '" + shapeName + "'; known: logistic, additive");
            }
            Double sharpness = f.number("sharpness", false);
            Double lambda = f.number("lambda", false);
            Long warmup = positive(f, "lambdaWarmupSteps", false);
            Double factor = f.number("lambdaFactor", false);
            f.finish();
            if (sharpness != null && sharpness <= 0) {
                f.problem("sharpness", "must be positive");
            }
            if (lambda != null && lambda <= 0) {
                f.problem("lambda", "must be positive");
            }
            if (factor != null && factor <= 0) {
                f.problem("lambdaFactor", "must be positive");
            }
            if (shape == CostSpec.PenaltyShape.LOGISTIC) {
                for (String additiveOnly : List.of("lambda", "lambdaWarmupSteps", "lambdaFactor")) {
                    if (f.has(additiveOnly)) {
                        f.problem(additiveOnly, "applies only to the additive penalty shape");
                    }
                }
            }
            if (warmup != null && warmup > Integer.MAX_VALUE) {
                f.problem("lambdaWarmupSteps", "is too large");
            }
            if (problems.size() > before) {
                return null;
            }
            return new CostSpec.Penalty(shape, sharpness == null ? 10.0 : sharpness, lambda,
                    warmup == null ? 1 : Math.toIntExact(warmup), factor == null ? 1.0 : factor);
        }

        private OptimizerSpec optimizer(JsonFields f) {
            if (f == null) {
                return null;
            }
            int before = problems.size();
            String type = f.string("type", true);
            Double learningRate = f.number("learningRate", true);
            if (learningRate != null && learningRate <= 0) {
                f.problem("learningRate", "must be positive");
            }
            OptimizerSpec optimizer = null;
            if ("sgd".equals(type)) {
                double momentum = unitInterval(f, "momentum", 0.0);
                optimizer = learningRate == null ? null : new OptimizerSpec.Sgd(learningRate, momentum);
            } else if ("adam".equals(type)) {
                double beta1 = unitInterval(f, "beta1", 0.9);
                double beta2 = unitInterval(f, "beta2", 0.999);
                Double epsilon = f.number("epsilon", false);
                if (epsilon != null && epsilon <= 0) {
                    f.problem("epsilon", "must be positive");
                }
                optimizer = learningRate == null ? null
                        : new OptimizerSpec.Adam(learningRate, beta1, beta2, epsilon == null ? 1e-8 : epsilon);
            } else {
                if (type != null) {
                    f.problem("type", "unknown optimizer '" + type + "'; known: sgd, adam");
                }
                return null; // without a known type its other fields cannot be judged
            }
            f.finish();
            return problems.size() > before ? null : optimizer;
        }

        private double unitInterval(JsonFields f, String field, double defaultValue) {
            Double value = f.number(field, false);
            if (value == null) {
                return defaultValue;
            }
            if (value < 0 || value >= 1) {
                f.problem(field, "must be in [0, 1), was " + value);
            }
            return value;
        }

        private StoppingSpec stopping(JsonFields f, Long eventsPerStep) {
            if (f == null) {
                return StoppingSpec.NONE;
            }
            Double gradientNorm = f.number("gradientNorm", false);
            if (gradientNorm != null && gradientNorm <= 0) {
                f.problem("gradientNorm", "must be positive");
            }
            StoppingSpec.Plateau plateau = null;
            JsonFields p = f.object("plateau", false);
            if (p != null) {
                Long steps = positive(p, "steps", true);
                Double tolerance = p.number("relativeTolerance", false);
                p.finish();
                if (tolerance != null && tolerance < 0) {
                    p.problem("relativeTolerance", "must not be negative");
                }
                if (steps != null && steps > Integer.MAX_VALUE) {
                    p.problem("steps", "is too large");
                } else if (steps != null) {
                    plateau = new StoppingSpec.Plateau(Math.toIntExact(steps), tolerance == null ? 0.0 : tolerance);
                }
            }
            Long maxEvents = positive(f, "maxEvents", false);
            if (maxEvents != null && eventsPerStep != null && maxEvents < eventsPerStep) {
                f.problem("maxEvents", "budget of " + maxEvents + " events is smaller than one step (" + eventsPerStep + ")");
            }
            String maxWallTime = wallTime(f);
            Double maxCoreHours = f.number("maxCoreHours", false);
            if (maxCoreHours != null && maxCoreHours <= 0) {
                f.problem("maxCoreHours", "must be positive, was " + maxCoreHours);
                maxCoreHours = null;
            }
            f.finish();
            return new StoppingSpec(gradientNorm, plateau, maxEvents, maxWallTime, maxCoreHours);
        }

        /** stopping.maxWallTime: a positive ISO-8601 duration, normalised (PT90M → PT1H30M). */
        private String wallTime(JsonFields f) {
            String text = f.string("maxWallTime", false);
            if (text == null) {
                return null;
            }
            java.time.Duration duration;
            try {
                duration = java.time.Duration.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                f.problem("maxWallTime", "must be an ISO-8601 duration such as PT12H or P2DT6H, was '"
                        + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
                return null;
            }
            if (duration.isNegative() || duration.isZero()) {
                f.problem("maxWallTime", "must be positive, was " + duration);
                return null;
            }
            return duration.toString();
        }
    }
}
