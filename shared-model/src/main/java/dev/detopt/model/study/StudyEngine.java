package dev.detopt.model.study;

import dev.detopt.model.categorical.ScoreFunctionSums;
import dev.detopt.model.categorical.SoftmaxChoice;
import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.SampleAccumulator;
import dev.detopt.model.stats.SampleLayout;
import dev.detopt.model.stats.SampleSummary;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import dev.detopt.model.study.contract.BatchCoordinates;
import dev.detopt.model.study.contract.BatchResult;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.StepReduction;
import dev.detopt.model.study.cost.BudgetPenalty;
import dev.detopt.model.study.cost.CostModel;
import dev.detopt.model.study.objective.EnergyResolutionObjective;
import dev.detopt.model.study.objective.ExpectedLossObjective;
import dev.detopt.model.study.objective.Objective;
import dev.detopt.model.study.objective.ProfileMatchObjective;
import dev.detopt.model.study.optimizer.Optimizer;
import dev.detopt.model.study.optimizer.OptimizerState;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The deterministic heart of a study: the initial state, the batch tasks of a step, and from a
 * step's batch results the loss, its gradient, the optimizer update and the stopping decision.
 * Immutable and thread-safe; every method is a pure function of the spec and its arguments, so the
 * reference runner and the distributed service compute the same trajectory bit for bit.
 */
public final class StudyEngine {
    private final StudySpec spec;
    private final Simulator simulator;
    private final ObjectNode simulatorConfig;
    private final List<String> parameterNames;
    private final int[] free;
    private final double[] scale;
    private final double[] learningRate;
    private final double[] lower;
    private final double[] upper;
    private final double[] initial;
    private final EstimatorSettings estimator;
    private final int[] profileObservables;
    private final CostModel costModel;
    /** The cost region each categorical fills (categorical name → material of the geometry). */
    private final Map<String, String> catalogGeometryRegions;
    private final BudgetPenalty penalty;
    private final Optimizer optimizer;
    private final int targetThreads;
    /** Categorical parameters in spec order (their position is their stream's substream). */
    private final List<ParameterSpec> categoricals;
    /** The optimised variables: the free numeric parameters, then the logits of each free categorical. */
    private final double[] variableScale;
    private final double[] variableLearningRate;
    private final double[] variableLower;
    private final double[] variableUpper;
    /** Position of categorical j's first logit among the variables (−1 when frozen). */
    private final int[] logitOffset;

    public StudyEngine(StudySpec spec) {
        this(spec, SimulatorCatalog.standard(), 1);
    }

    public StudyEngine(StudySpec spec, SimulatorCatalog catalog) {
        this(spec, catalog, 1);
    }

    /**
     * @param targetThreads threads for simulating a profile target in {@link #initialState()}
     */
    public StudyEngine(StudySpec spec, SimulatorCatalog catalog, int targetThreads) {
        this.spec = Objects.requireNonNull(spec);
        this.targetThreads = targetThreads;
        SimulatorType.Configured configured = catalog.configure(spec.simulator().name(), spec.simulator().config());
        this.simulator = configured.simulator();
        this.simulatorConfig = configured.effectiveConfig();
        this.parameterNames = simulator.parameterNames();
        int p = parameterNames.size();
        this.initial = new double[p];
        double[] fdSteps = new double[p];
        double[] surrogateWidths = new double[p];
        List<Integer> freeIndices = new ArrayList<>();
        this.categoricals = spec.parameters().stream().filter(ParameterSpec::isCategorical).toList();
        for (int j = 0; j < p; j++) {
            ParameterSpec parameter = spec.parameter(parameterNames.get(j));
            initial[j] = parameter.initial();
            fdSteps[j] = spec.estimator().finiteDifferenceSteps().getOrDefault(parameter.name(), 0.01 * parameter.scale());
            surrogateWidths[j] = spec.estimator().surrogateWidths().getOrDefault(parameter.name(),
                    EstimatorSpec.DEFAULT_SURROGATE_WIDTH * parameter.scale());
            if (!parameter.frozen()) {
                freeIndices.add(j);
            }
        }
        this.free = freeIndices.stream().mapToInt(Integer::intValue).toArray();
        this.scale = new double[free.length];
        this.learningRate = new double[free.length];
        this.lower = new double[free.length];
        this.upper = new double[free.length];
        for (int k = 0; k < free.length; k++) {
            ParameterSpec parameter = spec.parameter(parameterNames.get(free[k]));
            scale[k] = parameter.scale();
            learningRate[k] = parameter.learningRate() != null ? parameter.learningRate() : spec.optimizer().learningRate();
            lower[k] = parameter.lowerOrInfinity();
            upper[k] = parameter.upperOrInfinity();
        }
        EstimatorSpec e = spec.estimator();
        this.estimator = new EstimatorSettings(e.kind(), fdSteps, e.commonRandomNumbers(), e.reuseUniforms(),
                e.kind() == EstimatorKind.SURROGATE ? surrogateWidths : null, e.surrogateQuadratic());
        this.profileObservables = spec.objective() instanceof ObjectiveSpec.ProfileMatch match
                ? ObservableSelection.expand(match.observables(), simulator.observableNames()) : null;
        CostSpec cost = spec.cost();
        this.costModel = cost == null ? null : new CostModel(configured.geometry(), cost);
        this.catalogGeometryRegions = configured.geometry().categoricalMaterials();
        this.penalty = cost == null || cost.budget() == null ? null : BudgetPenalty.of(cost.penalty(), cost.budget());
        this.optimizer = Optimizer.of(spec.optimizer());
        this.logitOffset = new int[categoricals.size()];
        int variables = free.length;
        for (int j = 0; j < categoricals.size(); j++) {
            logitOffset[j] = categoricals.get(j).frozen() ? -1 : variables;
            variables += categoricals.get(j).frozen() ? 0 : categoricals.get(j).choices().size();
        }
        this.variableScale = Arrays.copyOf(scale, variables);
        this.variableLearningRate = Arrays.copyOf(learningRate, variables);
        this.variableLower = Arrays.copyOf(lower, variables);
        this.variableUpper = Arrays.copyOf(upper, variables);
        for (int j = 0; j < categoricals.size(); j++) {
            ParameterSpec categorical = categoricals.get(j);
            for (int k = 0; logitOffset[j] >= 0 && k < categorical.choices().size(); k++) {
                int v = logitOffset[j] + k;
                variableScale[v] = 1.0;
                variableLearningRate[v] = categorical.learningRate() != null ? categorical.learningRate()
                        : spec.optimizer().learningRate();
                variableLower[v] = Double.NEGATIVE_INFINITY;
                variableUpper[v] = Double.POSITIVE_INFINITY;
            }
        }
    }

    public StudySpec spec() {
        return spec;
    }

    public Simulator simulator() {
        return simulator;
    }

    /** Names of the free (optimized, differentiated) parameters, in simulator order. */
    public List<String> freeParameters() {
        return Arrays.stream(free).mapToObj(parameterNames::get).toList();
    }

    /** Step 0: θ0, fresh optimizer state, and (for a simulated profile target) the target profile. */
    public StudyState initialState() {
        List<Double> target = null;
        if (spec.objective() instanceof ObjectiveSpec.ProfileMatch match && match.target().simulate() != null) {
            target = simulateTarget(match.target().simulate());
        }
        CostSpec.Penalty penaltySpec = spec.cost() == null ? null : spec.cost().penalty();
        StudyState.PenaltyScale penaltyScale = penaltySpec != null && penaltySpec.automaticLambda()
                ? new StudyState.PenaltyScale(0, 0.0, 0.0) : null;
        Map<String, List<Double>> logits = new LinkedHashMap<>();
        categoricals.forEach(c -> logits.put(c.name(), c.logits()));
        return new StudyState(StudyState.VERSION, 0, byName(initial), optimizer.initialState(variableScale.length),
                penaltyScale, target, 0, null, 0, null, logits);
    }

    /**
     * Simulates θ* with its own random streams: the target seed (or the study seed) keys a stream of
     * purpose TARGET whose first number seeds the target's event streams, so the target's events
     * are never the study's own events.
     */
    private List<Double> simulateTarget(ObjectiveSpec.SimulatedTarget target) {
        double[] theta = initial.clone();
        target.parameters().forEach((name, value) -> theta[parameterNames.indexOf(name)] = value);
        long baseSeed = target.seed() != null ? target.seed() : spec.seed();
        long targetSeed = new RandomStreams(baseSeed).stream(0, 0, StreamPurpose.TARGET).nextLong();
        EstimatorSettings primalOnly = simulator.supportedEstimators().contains(EstimatorKind.PATHWISE)
                ? EstimatorSettings.of(EstimatorKind.PATHWISE) : estimator;
        SampleSummary summary;
        try (BatchRunner runner = new BatchRunner(simulator, new DesignPoint(theta, new int[0]), primalOnly,
                new RandomStreams(targetSeed), 0, targetThreads)) {
            summary = runner.run(0, target.events()).summary();
        }
        List<Double> values = new ArrayList<>();
        for (int i : profileObservables) {
            values.add(summary.mean()[i]);
        }
        return values;
    }

    /** The batches of the state's step, in batch order (empty once the study has stopped). */
    public List<BatchTask> tasks(String studyId, StudyState state) {
        if (state.finished()) {
            return List.of();
        }
        List<Double> theta = Arrays.stream(thetaArray(state.theta())).boxed().toList();
        List<Integer> differentiated = Arrays.stream(free).boxed().toList();
        List<BatchTask.Categorical> drawn = new ArrayList<>();
        for (ParameterSpec categorical : categoricals) {
            drawn.add(new BatchTask.Categorical(categorical.name(), categorical.choices(), logits(state, categorical)));
        }
        List<BatchTask> tasks = new ArrayList<>();
        for (int b = 0; b < spec.batchesPerStep(); b++) {
            tasks.add(new BatchTask(BatchTask.VERSION, studyId, state.step(), b, theta, differentiated, eventFrom(b),
                    eventTo(b), simulator.name(), simulatorConfig, estimator, spec.seed(), null, drawn));
        }
        return tasks;
    }

    private static List<Double> logits(StudyState state, ParameterSpec categorical) {
        List<Double> logits = state.logits().get(categorical.name());
        if (logits == null || logits.size() != categorical.choices().size()) {
            throw new IllegalArgumentException("state has no " + categorical.choices().size() + " logits for categorical '"
                    + categorical.name() + "'");
        }
        return logits;
    }

    /** The distribution of each categorical at the state's logits, in spec order. */
    private List<SoftmaxChoice> distributions(StudyState state) {
        return categoricals.stream().map(c -> new SoftmaxChoice(c.choices(),
                logits(state, c).stream().mapToDouble(Double::doubleValue).toArray())).toList();
    }

    /** Per-choice counts of the categoricals, as the statistics' layout carries them. */
    private List<Integer> choiceCounts() {
        return categoricals.stream().map(c -> c.choices().size()).toList();
    }

    private long eventFrom(int batch) {
        return batch * spec.eventsPerBatch();
    }

    private long eventTo(int batch) {
        return Math.min(eventFrom(batch) + spec.eventsPerBatch(), spec.eventsPerStep());
    }

    /**
     * Completes the state's step from its batch results (result i must be batch i of this step).
     *
     * @throws IllegalArgumentException if the results do not match the step's tasks
     * @throws IllegalStateException    if the study has already stopped
     */
    public StepOutcome completeStep(StudyState state, List<BatchResult> resultsInBatchOrder) {
        if (state.finished()) {
            throw new IllegalStateException("the study stopped (" + state.stopReason() + ") at step " + state.step());
        }
        checkResults(state, resultsInBatchOrder);
        SampleAccumulator statistics = StepReduction.reduce(resultsInBatchOrder);
        if (statistics.layout().parameters() != free.length) {
            throw new IllegalArgumentException("results differentiate " + statistics.layout().parameters()
                    + " parameters; this study has " + free.length + " free");
        }
        if (!statistics.layout().choices().equals(choiceCounts())) {
            throw new IllegalArgumentException("results draw categoricals with " + statistics.layout().choices()
                    + " choices; this study has " + choiceCounts());
        }
        SampleSummary summary = statistics.summary();
        List<SoftmaxChoice> distributions = distributions(state);
        Objective.Evaluation physics = objective(state).evaluate(withLogitGradients(summary, statistics, distributions));
        double[] theta = thetaArray(state.theta());

        StudyState.PenaltyScale penaltyScale = state.penaltyScale();
        Double lambda = null;
        if (penalty != null) {
            CostSpec.Penalty penaltySpec = spec.cost().penalty();
            if (penaltySpec.automaticLambda()) {
                if (penaltyScale.samples() < penaltySpec.lambdaWarmupSteps()) {
                    int samples = penaltyScale.samples() + 1;
                    double sum = penaltyScale.physicsSum() + physics.value();
                    penaltyScale = new StudyState.PenaltyScale(samples, sum, penaltySpec.lambdaFactor() * sum / samples);
                }
                lambda = penaltyScale.lambda();
            } else if (penaltySpec.shape() == CostSpec.PenaltyShape.ADDITIVE) {
                lambda = penaltySpec.lambda();
            }
        }
        ExpectedLoss loss = expectedLoss(theta, physics.value(), lambda, distributions);

        int variables = variableScale.length;
        double[] gradient = new double[variables];
        double[] gradientStderr = new double[variables];
        double normSquared = 0;
        boolean finite = Double.isFinite(loss.total);
        for (int v = 0; v < variables; v++) {
            gradient[v] = loss.dPhysics * physics.gradient()[v] + loss.direct[v];
            double fromPhysics = loss.dPhysics * physics.gradientStderr()[v];
            double fromCostTerm = loss.directDPhysics[v] * physics.valueStderr();
            gradientStderr[v] = Math.sqrt(fromPhysics * fromPhysics + fromCostTerm * fromCostTerm);
            double scaled = gradient[v] * variableScale[v];
            normSquared += scaled * scaled;
            finite &= Double.isFinite(gradient[v]);
        }
        double gradientNorm = Math.sqrt(normSquared);
        long eventsTotal = state.eventsSimulated() + statistics.events();
        StepRecord record = new StepRecord(state.step(), state.theta(), physics.value(), physics.valueStderr(), loss.cost,
                loss.penalty, loss.total, freeByName(gradient), freeByName(gradientStderr), gradientNorm,
                statistics.events(), eventsTotal, lambda, observableEstimates(summary),
                categoricalEstimates(state, distributions, statistics, gradient, gradientStderr));

        StudyState.Best best = state.best();
        int withoutImprovement = state.stepsWithoutImprovement();
        if (finite) {
            double tolerance = spec.stopping().plateau() == null ? 0.0 : spec.stopping().plateau().relativeTolerance();
            boolean improved = best == null || loss.total < best.total() - tolerance * Math.abs(best.total());
            withoutImprovement = improved ? 0 : withoutImprovement + 1;
            if (best == null || loss.total < best.total()) {
                best = new StudyState.Best(state.step(), loss.total, state.theta());
            }
        }

        OptimizerState optimizerState = state.optimizer();
        double[] next = theta.clone();
        Map<String, List<Double>> nextLogits = new LinkedHashMap<>(state.logits());
        if (finite) {
            double[] variable = new double[variables];
            for (int k = 0; k < free.length; k++) {
                variable[k] = theta[free[k]];
            }
            for (int j = 0; j < categoricals.size(); j++) {
                List<Double> logits = logits(state, categoricals.get(j));
                for (int k = 0; logitOffset[j] >= 0 && k < logits.size(); k++) {
                    variable[logitOffset[j] + k] = logits.get(k);
                }
            }
            optimizerState = optimizer.step(optimizerState, variable, gradient, variableScale, variableLearningRate);
            for (int k = 0; k < free.length; k++) {
                next[free[k]] = Math.min(variableUpper[k], Math.max(variableLower[k], variable[k]));
            }
            for (int j = 0; j < categoricals.size(); j++) {
                if (logitOffset[j] >= 0) {
                    int from = logitOffset[j];
                    nextLogits.put(categoricals.get(j).name(), Arrays.stream(variable, from,
                            from + categoricals.get(j).choices().size()).boxed().toList());
                }
            }
        }

        StopReason stop = stopReason(state, finite, gradientNorm, withoutImprovement, eventsTotal);
        StudyState nextState = new StudyState(StudyState.VERSION, state.step() + 1, byName(next), optimizerState,
                penaltyScale, state.target(), eventsTotal, best, withoutImprovement, stop, nextLogits);
        return new StepOutcome(record, nextState, stop);
    }

    /**
     * The summary over all optimised variables: the estimator's ∂E[y]/∂θ for the free numeric parameters,
     * then for each free categorical the score-function ∂E[y]/∂logit from the per-choice sums of y at the
     * probabilities the events were drawn from.
     */
    private SampleSummary withLogitGradients(SampleSummary summary, SampleAccumulator statistics,
                                             List<SoftmaxChoice> distributions) {
        int variables = variableScale.length;
        if (variables == free.length) {
            return summary;
        }
        int m = summary.layout().observables();
        int n = free.length;
        double[] gradient = new double[m * variables];
        double[] gradientStderr = new double[m * variables];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < n; k++) {
                gradient[i * variables + k] = summary.gradient(i, k);
                gradientStderr[i * variables + k] = summary.gradientStderr(i, k);
            }
            for (int j = 0; j < categoricals.size(); j++) {
                if (logitOffset[j] < 0) {
                    continue;
                }
                ScoreFunctionSums.Gradient score = statistics.choiceSums(j, i).gradient(distributions.get(j).probabilities());
                for (int k = 0; k < score.estimate().length; k++) {
                    gradient[i * variables + logitOffset[j] + k] = score.estimate()[k];
                    gradientStderr[i * variables + logitOffset[j] + k] = score.standardError()[k];
                }
            }
        }
        return new SampleSummary(new SampleLayout(m, variables, SampleLayout.GradientForm.DIRECT), summary.events(),
                summary.mean(), summary.meanStderr(), summary.secondMoment(), gradient, gradientStderr);
    }

    /**
     * The loss as the expectation over the categoricals' choices: L = Σ_c P(c)·L(physics, cost_c), with the
     * cost and the budget penalty of each choice combination c inside the expectation (docs/estimators.md).
     * Without categoricals there is one combination of probability 1 and this is the plain loss.
     *
     * @param total          L
     * @param penalty        expected penalty Σ P(c)·(L_c − L_phys)
     * @param cost           expected cost Σ P(c)·cost_c
     * @param dPhysics       ∂L/∂L_phys
     * @param direct         ∂L/∂variable apart from the physics term (cost terms; for logits the score of the
     *                       combinations' probabilities)
     * @param directDPhysics ∂direct/∂L_phys (how noise in L_phys enters {@code direct})
     */
    private record ExpectedLoss(double total, double penalty, double cost, double dPhysics, double[] direct,
                                double[] directDPhysics) {
    }

    private ExpectedLoss expectedLoss(double[] theta, double physics, Double lambda, List<SoftmaxChoice> distributions) {
        int variables = variableScale.length;
        // sums start at −0.0, the identity of floating-point addition, so one combination of probability 1
        // gives bit for bit the loss without categoricals
        double total = -0.0;
        double cost = -0.0;
        double expectedPenalty = -0.0;
        double dPhysics = -0.0;
        double[] direct = new double[variables];
        double[] directDPhysics = new double[variables];
        Arrays.fill(direct, -0.0);
        Arrays.fill(directDPhysics, -0.0);
        int[] combination = new int[categoricals.size()];
        double[] costGradient = new double[theta.length];
        do {
            double probability = 1.0;
            Map<String, Double> choicePrices = new LinkedHashMap<>();
            for (int j = 0; j < combination.length; j++) {
                probability *= distributions.get(j).probability(combination[j]);
                ParameterSpec categorical = categoricals.get(j);
                Map<String, Double> prices = spec.cost() == null ? null : spec.cost().choicePrices().get(categorical.name());
                if (prices != null) {
                    choicePrices.put(regionOf(categorical.name()), prices.get(categorical.choices().get(combination[j])));
                }
            }
            double combinationCost = 0;
            Arrays.fill(costGradient, 0.0);
            if (costModel != null) {
                combinationCost = costModel.cost(theta, costGradient, choicePrices);
            }
            BudgetPenalty.Applied applied = penalty != null
                    ? penalty.apply(physics, combinationCost, lambda == null ? 0.0 : lambda)
                    : new BudgetPenalty.Applied(physics, 0.0, 1.0, 0.0, 0.0);
            total += probability * applied.total();
            cost += probability * combinationCost;
            expectedPenalty += probability * applied.penalty();
            dPhysics += probability * applied.dPhysics();
            for (int k = 0; k < free.length; k++) {
                direct[k] += probability * applied.dCost() * costGradient[free[k]];
                directDPhysics[k] += probability * applied.dCostDPhysics() * costGradient[free[k]];
            }
            // ∂P(c)/∂l_jk = P(c)(1[c_j = k] − p_jk); without a penalty L does not depend on c and this vanishes
            for (int j = 0; penalty != null && j < combination.length; j++) {
                if (logitOffset[j] < 0) {
                    continue;
                }
                for (int k = 0; k < categoricals.get(j).choices().size(); k++) {
                    double score = (combination[j] == k ? 1.0 : 0.0) - distributions.get(j).probability(k);
                    direct[logitOffset[j] + k] += probability * applied.total() * score;
                    directDPhysics[logitOffset[j] + k] += probability * applied.dPhysics() * score;
                }
            }
        } while (nextCombination(combination));
        return new ExpectedLoss(total, expectedPenalty, cost, dPhysics, direct, directDPhysics);
    }

    /** Advances an odometer over the categoricals' choices; false after the last combination. */
    private boolean nextCombination(int[] combination) {
        for (int j = combination.length - 1; j >= 0; j--) {
            if (++combination[j] < categoricals.get(j).choices().size()) {
                return true;
            }
            combination[j] = 0;
        }
        return false;
    }

    private String regionOf(String categorical) {
        return catalogGeometryRegions.get(categorical);
    }

    /** Each categorical's distribution, logit gradient and per-choice event counts, by name. */
    private Map<String, StepRecord.CategoricalEstimate> categoricalEstimates(StudyState state,
            List<SoftmaxChoice> distributions, SampleAccumulator statistics, double[] gradient, double[] gradientStderr) {
        Map<String, StepRecord.CategoricalEstimate> estimates = new LinkedHashMap<>();
        for (int j = 0; j < categoricals.size(); j++) {
            ParameterSpec categorical = categoricals.get(j);
            int choices = categorical.choices().size();
            List<Double> logitGradient = new ArrayList<>();
            List<Double> logitStderr = new ArrayList<>();
            List<Long> events = new ArrayList<>();
            for (int k = 0; k < choices; k++) {
                logitGradient.add(logitOffset[j] < 0 ? 0.0 : gradient[logitOffset[j] + k]);
                logitStderr.add(logitOffset[j] < 0 ? 0.0 : gradientStderr[logitOffset[j] + k]);
                events.add(statistics.choiceSums(j, 0).count(k));
            }
            estimates.put(categorical.name(), new StepRecord.CategoricalEstimate(categorical.choices(),
                    Arrays.stream(distributions.get(j).probabilities()).boxed().toList(), logits(state, categorical),
                    logitGradient, logitStderr, events));
        }
        return estimates;
    }

    /**
     * Every observable's mean and standard error, and for a profile match's compared observables
     * their gradient over the free parameters (the Jacobian of its Gauss–Newton uncertainty).
     */
    private Map<String, StepRecord.ObservableEstimate> observableEstimates(SampleSummary summary) {
        List<String> names = simulator.observableNames();
        boolean[] compared = new boolean[names.size()];
        if (profileObservables != null) {
            for (int i : profileObservables) {
                compared[i] = true;
            }
        }
        Map<String, StepRecord.ObservableEstimate> estimates = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Double> gradient = null;
            if (compared[i]) {
                double[] row = new double[free.length];
                for (int k = 0; k < free.length; k++) {
                    row[k] = summary.gradient(i, k);
                }
                gradient = freeByName(row);
            }
            estimates.put(names.get(i), new StepRecord.ObservableEstimate(summary.mean()[i], summary.meanStderr()[i], gradient));
        }
        return estimates;
    }

    private StopReason stopReason(StudyState state, boolean finite, double gradientNorm, int withoutImprovement, long eventsTotal) {
        StoppingSpec stopping = spec.stopping();
        if (!finite) {
            return StopReason.NON_FINITE;
        }
        if (stopping.gradientNorm() != null && gradientNorm < stopping.gradientNorm()) {
            return StopReason.GRADIENT_NORM;
        }
        if (stopping.plateau() != null && withoutImprovement >= stopping.plateau().steps()) {
            return StopReason.PLATEAU;
        }
        if (state.step() + 1 >= spec.maxSteps()) {
            return StopReason.MAX_STEPS;
        }
        if (stopping.maxEvents() != null && eventsTotal + spec.eventsPerStep() > stopping.maxEvents()) {
            return StopReason.EVENT_BUDGET;
        }
        return null;
    }

    /**
     * Checks that a result's statistics have the shape this study's evaluators produce (observable
     * count, differentiated parameters, gradient form, array lengths), so a malformed result can be
     * refused on arrival instead of failing the step's reduction.
     *
     * @throws IllegalArgumentException naming what differs
     */
    public void checkShape(BatchResult result) {
        SampleLayout layout = result.statistics().layout();
        if (layout == null) {
            throw new IllegalArgumentException("statistics.layout is missing");
        }
        int observables = simulator.observableNames().size();
        if (layout.observables() != observables) {
            throw new IllegalArgumentException("statistics.layout.observables is " + layout.observables() + "; this study's "
                    + simulator.name() + " simulator has " + observables);
        }
        if (layout.parameters() != free.length) {
            throw new IllegalArgumentException("statistics.layout.parameters is " + layout.parameters() + "; this study has "
                    + free.length + " free parameters");
        }
        if (!layout.choices().equals(choiceCounts())) {
            throw new IllegalArgumentException("statistics.layout.choices is " + layout.choices() + "; this study's "
                    + "categorical parameters have " + choiceCounts() + " choices");
        }
        SampleLayout.GradientForm form = switch (estimator.kind()) {

            case SCORE -> SampleLayout.GradientForm.SCORE;
            case SCORE_BASELINE -> SampleLayout.GradientForm.SCORE_BASELINE;
            case SURROGATE -> estimator.surrogateQuadratic()
                    ? SampleLayout.GradientForm.SURROGATE_QUADRATIC : SampleLayout.GradientForm.SURROGATE_LINEAR;
            default -> SampleLayout.GradientForm.DIRECT;
        };
        if (layout.gradientForm() != form) {
            throw new IllegalArgumentException("statistics.layout.gradientForm is " + layout.gradientForm() + "; the "
                    + estimator.kind().wireName() + " estimator gives " + form);
        }
        SampleAccumulator.restore(result.statistics());
    }

    private void checkResults(StudyState state, List<BatchResult> results) {
        int batches = spec.batchesPerStep();
        if (results.size() != batches) {
            throw new IllegalArgumentException("step " + state.step() + " has " + batches + " batches but "
                    + results.size() + " results were given");
        }
        for (int b = 0; b < batches; b++) {
            BatchResult result = Objects.requireNonNull(results.get(b), "result " + b);
            if (!result.answers(new BatchCoordinates(result.studyId(), state.step(), b, eventFrom(b), eventTo(b)))) {
                throw new IllegalArgumentException("result at position " + b + " (step " + result.step() + ", batch "
                        + result.batchIndex() + ", events [" + result.eventFrom() + ", " + result.eventTo()
                        + ")) is not batch " + b + " of step " + state.step() + " (events [" + eventFrom(b) + ", "
                        + eventTo(b) + "))");
            }
        }
    }

    private Objective objective(StudyState state) {
        return switch (spec.objective()) {
            case ObjectiveSpec.ProfileMatch match -> {
                List<Double> target = match.target().values() != null ? match.target().values() : state.target();
                if (target == null) {
                    throw new IllegalStateException("the state holds no simulated target; create it with initialState()");
                }
                double[] weights = new double[profileObservables.length];
                Arrays.fill(weights, 1.0);
                if (match.weights() != null) {
                    weights = match.weights().stream().mapToDouble(Double::doubleValue).toArray();
                }
                yield new ProfileMatchObjective(profileObservables, weights,
                        target.stream().mapToDouble(Double::doubleValue).toArray());
            }
            case ObjectiveSpec.EnergyResolution resolution -> new EnergyResolutionObjective(
                    simulator.observableNames().indexOf(resolution.observable()),
                    simulator.observableNames().indexOf(resolution.squaredObservable()));
            case ObjectiveSpec.ExpectedLoss loss -> new ExpectedLossObjective(simulator.observableNames().indexOf(loss.observable()));
        };
    }

    private double[] thetaArray(Map<String, Double> theta) {
        double[] values = new double[parameterNames.size()];
        for (int j = 0; j < values.length; j++) {
            Double value = theta.get(parameterNames.get(j));
            if (value == null) {
                throw new IllegalArgumentException("state has no value for parameter '" + parameterNames.get(j) + "'");
            }
            values[j] = value;
        }
        return values;
    }

    private Map<String, Double> byName(double[] values) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int j = 0; j < values.length; j++) {
            map.put(parameterNames.get(j), values[j]);
        }
        return map;
    }

    private Map<String, Double> freeByName(double[] values) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int k = 0; k < free.length; k++) {
            map.put(parameterNames.get(free[k]), values[k]);
        }
        return map;
    }
}
