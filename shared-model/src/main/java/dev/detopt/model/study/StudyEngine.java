package dev.detopt.model.study;

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
    private final BudgetPenalty penalty;
    private final Optimizer optimizer;
    private final int targetThreads;

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
        this.penalty = cost == null || cost.budget() == null ? null : BudgetPenalty.of(cost.penalty(), cost.budget());
        this.optimizer = Optimizer.of(spec.optimizer());
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
        return new StudyState(StudyState.VERSION, 0, byName(initial), optimizer.initialState(free.length), penaltyScale,
                target, 0, null, 0, null);
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
        List<BatchTask> tasks = new ArrayList<>();
        for (int b = 0; b < spec.batchesPerStep(); b++) {
            tasks.add(new BatchTask(BatchTask.VERSION, studyId, state.step(), b, theta, differentiated, eventFrom(b),
                    eventTo(b), simulator.name(), simulatorConfig, estimator, spec.seed(), null));
        }
        return tasks;
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
        SampleSummary summary = statistics.summary();
        Objective.Evaluation physics = objective(state).evaluate(summary);
        double[] theta = thetaArray(state.theta());

        double cost = 0;
        double[] costGradient = new double[theta.length];
        if (costModel != null) {
            cost = costModel.cost(theta, costGradient);
        }
        StudyState.PenaltyScale penaltyScale = state.penaltyScale();
        Double lambda = null;
        BudgetPenalty.Applied applied;
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
            applied = penalty.apply(physics.value(), cost, lambda == null ? 0.0 : lambda);
        } else {
            applied = new BudgetPenalty.Applied(physics.value(), 0.0, 1.0, 0.0, 0.0);
        }

        double[] gradient = new double[free.length];
        double[] gradientStderr = new double[free.length];
        double normSquared = 0;
        boolean finite = Double.isFinite(applied.total());
        for (int k = 0; k < free.length; k++) {
            double dc = costGradient[free[k]];
            gradient[k] = applied.dPhysics() * physics.gradient()[k] + applied.dCost() * dc;
            double fromPhysics = applied.dPhysics() * physics.gradientStderr()[k];
            double fromCostTerm = applied.dCostDPhysics() * dc * physics.valueStderr();
            gradientStderr[k] = Math.sqrt(fromPhysics * fromPhysics + fromCostTerm * fromCostTerm);
            double scaled = gradient[k] * scale[k];
            normSquared += scaled * scaled;
            finite &= Double.isFinite(gradient[k]);
        }
        double gradientNorm = Math.sqrt(normSquared);
        long eventsTotal = state.eventsSimulated() + statistics.events();
        StepRecord record = new StepRecord(state.step(), state.theta(), physics.value(), physics.valueStderr(), cost,
                applied.penalty(), applied.total(), freeByName(gradient), freeByName(gradientStderr), gradientNorm,
                statistics.events(), eventsTotal, lambda, observableEstimates(summary));

        StudyState.Best best = state.best();
        int withoutImprovement = state.stepsWithoutImprovement();
        if (finite) {
            double tolerance = spec.stopping().plateau() == null ? 0.0 : spec.stopping().plateau().relativeTolerance();
            boolean improved = best == null || applied.total() < best.total() - tolerance * Math.abs(best.total());
            withoutImprovement = improved ? 0 : withoutImprovement + 1;
            if (best == null || applied.total() < best.total()) {
                best = new StudyState.Best(state.step(), applied.total(), state.theta());
            }
        }

        OptimizerState optimizerState = state.optimizer();
        double[] next = theta.clone();
        if (finite) {
            double[] freeTheta = new double[free.length];
            for (int k = 0; k < free.length; k++) {
                freeTheta[k] = theta[free[k]];
            }
            optimizerState = optimizer.step(optimizerState, freeTheta, gradient, scale, learningRate);
            for (int k = 0; k < free.length; k++) {
                next[free[k]] = Math.min(upper[k], Math.max(lower[k], freeTheta[k]));
            }
        }

        StopReason stop = stopReason(state, finite, gradientNorm, withoutImprovement, eventsTotal);
        StudyState nextState = new StudyState(StudyState.VERSION, state.step() + 1, byName(next), optimizerState,
                penaltyScale, state.target(), eventsTotal, best, withoutImprovement, stop);
        return new StepOutcome(record, nextState, stop);
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
