package dev.detopt.model.study;

import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.study.catalog.DetectorGeometry;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.model.study.catalog.SimulatorType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudySpecsTest {

    private static final String VALID = Specs.gaussianLoss("{\"type\": \"adam\", \"learningRate\": 0.05}", 100, 30, 10);

    private static List<FieldProblem> problems(String json) {
        ParseResult result = StudySpecs.parse(json);
        assertThat(result.isValid()).as("expected problems for %s", json).isFalse();
        return result.problems();
    }

    private static List<FieldProblem> problems(String json, SimulatorCatalog catalog) {
        ParseResult result = StudySpecs.parse(json, catalog);
        assertThat(result.isValid()).isFalse();
        return result.problems();
    }

    @Test
    void validSpecParsesWithDefaultsFilledIn() {
        StudySpec spec = Specs.parse(VALID);
        assertThat(spec.name()).isEqualTo("gaussian expected loss");
        assertThat(spec.simulator().config().get("center").doubleValue()).isEqualTo(2.0);
        assertThat(spec.parameters()).extracting(ParameterSpec::name).containsExactly("mu", "sigma");
        assertThat(spec.parameter("mu").scale()).isEqualTo(1.0);
        assertThat(spec.parameter("mu").lower()).isEqualTo(-5.0);
        assertThat(spec.parameter("sigma").upper()).isNull();
        assertThat(spec.parameter("sigma").frozen()).isTrue();
        assertThat(spec.estimator().kind()).isEqualTo(EstimatorKind.PATHWISE);
        assertThat(spec.estimator().commonRandomNumbers()).isTrue();
        assertThat(spec.objective()).isEqualTo(new ObjectiveSpec.ExpectedLoss("loss"));
        assertThat(spec.optimizer()).isEqualTo(new OptimizerSpec.Adam(0.05, 0.9, 0.999, 1e-8));
        assertThat(spec.batchesPerStep()).isEqualTo(4);
        assertThat(spec.stopping()).isEqualTo(StoppingSpec.NONE);
        assertThat(spec.seed()).isEqualTo(42);
    }

    @Test
    void jsonRoundTripIsExactAndStable() {
        String full = """
                {"name": "full", "simulator": {"name": "gaussian"},
                 "parameters": [{"name": "mu", "initial": 0.1, "scale": 3.0, "learningRate": 0.2},
                                {"name": "sigma", "initial": 1.0000000000000002, "lower": 0.1, "upper": 7}],
                 "estimator": {"kind": "finite-difference", "finiteDifferenceSteps": {"mu": 0.001}, "commonRandomNumbers": false},
                 "objective": {"type": "profile-match", "observables": ["y*", "loss"], "weights": [1, 0.5, 2],
                               "target": {"simulate": {"parameters": {"mu": 2.0}, "events": 500, "seed": 9}}},
                 "cost": {"materialPrices": {"body": 3.5}, "channelPrice": 1, "budget": 10,
                          "penalty": {"shape": "additive", "sharpness": 4, "lambdaWarmupSteps": 3}},
                 "optimizer": {"type": "sgd", "learningRate": 0.01, "momentum": 0.9},
                 "eventsPerStep": 64, "eventsPerBatch": 64, "maxSteps": 3,
                 "stopping": {"gradientNorm": 1e-6, "plateau": {"steps": 5, "relativeTolerance": 0.01}, "maxEvents": 1000},
                 "seed": -7}
                """;
        StudySpec spec = Specs.parse(full);
        String json = StudySpecs.toJson(spec);
        StudySpec again = Specs.parse(json);
        assertThat(again).isEqualTo(spec);
        assertThat(StudySpecs.toJson(again)).isEqualTo(json);
        assertThat(again.parameter("sigma").initial()).isEqualTo(1.0000000000000002);
        assertThat(again.estimator().finiteDifferenceSteps()).containsEntry("mu", 0.001).containsEntry("sigma", 0.01);
        assertThat(((ObjectiveSpec.ProfileMatch) again.objective()).target().simulate().seed()).isEqualTo(9L);
        assertThat(again.cost().penalty().automaticLambda()).isTrue();
    }

    @Test
    void logisticPenaltyRoundTripsWithoutTheAdditiveOnlyFields() {
        StudySpec spec = Specs.parse(VALID.replace("\"optimizer\"", """
                "cost": {"budget": 5, "penalty": {"shape": "logistic", "sharpness": 3}},
                "optimizer\""""));
        String json = StudySpecs.toJson(spec);
        assertThat(json).doesNotContain("lambdaWarmupSteps").doesNotContain("lambdaFactor");
        assertThat(Specs.parse(json)).isEqualTo(spec);
    }

    @Test
    void malformedJsonIsOneProblemNotAnException() {
        List<FieldProblem> problems = problems("{\"name\": \"x\",, }");
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst().field()).isEqualTo("$");
        assertThat(problems.getFirst().message()).contains("malformed JSON").contains("line 1");
        assertThat(problems("")).extracting(FieldProblem::field).containsExactly("$");
        assertThat(problems("[1, 2]")).extracting(FieldProblem::message).containsExactly("must be a JSON object");
    }

    @Test
    void listsEveryProblemAtOnceWithFieldPaths() {
        String json = """
                {"name": 5,
                 "simulator": {"name": "gaussian", "config": {"center": NaN, "colour": "red"}},
                 "parameters": [{"name": "mu", "initial": 9, "lower": -1, "upper": 1, "scale": -2},
                                {"name": "sigma", "initial": 1, "lower": 3, "upper": 2},
                                {"name": "rho", "initial": "big"}],
                 "estimator": {"kind": "magic", "speed": 3},
                 "objective": {"type": "expected-loss", "observable": "energy"},
                 "optimizer": {"type": "adam", "learningRate": Infinity, "beta1": 1.5},
                 "eventsPerStep": 0, "eventsPerBatch": 2.5, "maxSteps": -3, "extra": true}
                """;
        assertThat(problems(json)).extracting(FieldProblem::field).contains(
                "name", "simulator.config.center", "simulator.config.colour",
                "parameters[0].initial", "parameters[0].scale", "parameters[1].lower", "parameters[2].initial",
                "estimator.kind", "estimator.speed", "objective.observable", "optimizer.learningRate",
                "optimizer.beta1", "eventsPerStep", "eventsPerBatch", "maxSteps", "extra", "seed");
    }

    @Test
    void messagesSayWhatIsWrong() {
        String json = """
                {"name": "m", "simulator": {"name": "gaussian"},
                 "parameters": [{"name": "mu", "initial": 9, "upper": 1}, {"name": "sigma", "initial": -1, "lower": 0}],
                 "estimator": {"kind": "pathwise"}, "objective": {"type": "expected-loss"},
                 "optimizer": {"type": "sgd", "learningRate": 0.1},
                 "eventsPerStep": 10, "eventsPerBatch": 20, "maxSteps": 5, "seed": 1}
                """;
        assertThat(problems(json)).containsExactlyInAnyOrder(
                new FieldProblem("parameters[0].initial", "initial value 9.0 is above the upper bound 1.0"),
                new FieldProblem("parameters[1].initial", "initial value -1.0 is below the lower bound 0.0"),
                new FieldProblem("eventsPerBatch", "a batch of 20 events is larger than the step (eventsPerStep = 10)"));
    }

    @Test
    void nonNumericNumbersAreRejectedEverywhere() {
        String json = VALID.replace("\"initial\": -1.0", "\"initial\": NaN").replace("\"upper\": 5", "\"upper\": 1e400")
                .replace("\"center\": 2.0", "\"center\": -Infinity");
        assertThat(problems(json)).extracting(FieldProblem::field)
                .containsExactlyInAnyOrder("parameters[0].initial", "parameters[0].upper", "simulator.config.center");
        assertThat(problems(json)).allSatisfy(p -> assertThat(p.message()).contains("finite"));
    }

    @Test
    void wrongTypesAndMissingFields() {
        String json = """
                {"name": "t", "simulator": "gaussian", "parameters": {"mu": 1},
                 "estimator": {}, "objective": {"type": "profile-match"}, "optimizer": {"type": "sgd"},
                 "eventsPerStep": "many", "maxSteps": true, "seed": 1.5}
                """;
        assertThat(problems(json)).containsExactlyInAnyOrder(
                new FieldProblem("simulator", "must be a JSON object"),
                new FieldProblem("parameters", "must be an array"),
                new FieldProblem("estimator.kind", "is required"),
                new FieldProblem("objective.observables", "is required"),
                new FieldProblem("objective.target", "is required"),
                new FieldProblem("optimizer.learningRate", "is required"),
                new FieldProblem("eventsPerStep", "must be an integer"),
                new FieldProblem("maxSteps", "must be an integer"),
                new FieldProblem("seed", "must be a whole number (64-bit integer)"));
    }

    @Test
    void unknownSimulatorAndParameters() {
        assertThat(problems(VALID.replace("\"name\": \"gaussian\"", "\"name\": \"geant\"")))
                .contains(new FieldProblem("simulator.name", "unknown simulator 'geant'; known: branching, calorimeter, gaussian"));
        List<FieldProblem> unknownParameter = problems(VALID.replace("\"name\": \"mu\"", "\"name\": \"nu\""));
        assertThat(unknownParameter).containsExactly(new FieldProblem("parameters[0].name",
                "simulator 'gaussian' has no parameter 'nu'; it has mu, sigma"));
        List<FieldProblem> missing = problems(VALID.replace(
                ",\n    {\"name\": \"sigma\", \"initial\": 0.5, \"lower\": 0.01, \"frozen\": true}", ""));
        assertThat(missing).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("parameters");
            assertThat(p.message()).contains("'sigma' is missing");
        });
        assertThat(problems(VALID.replace("\"unit\": \"mm\",", "\"frozen\": true,")))
                .extracting(FieldProblem::message).singleElement().asString().contains("every parameter is frozen");
    }

    @Test
    void objectiveNeedsObservablesTheSimulatorHas() {
        String profile = VALID.replace("{\"type\": \"expected-loss\"}",
                "{\"type\": \"profile-match\", \"observables\": [\"gap.*\", \"y\"], \"weights\": [1, 2], \"target\": {\"values\": [1, 2, 3]}}");
        assertThat(problems(profile)).containsExactlyInAnyOrder(
                new FieldProblem("objective.observables[0]", "matches no observable of simulator 'gaussian'; it has y, y.squared, loss"),
                new FieldProblem("objective.weights", "has 2 entries but the observables select 1"),
                new FieldProblem("objective.target.values", "has 3 entries but the observables select 1"));
        String resolution = VALID.replace("{\"type\": \"expected-loss\"}", "{\"type\": \"energy-resolution\"}");
        assertThat(problems(resolution)).extracting(FieldProblem::field)
                .containsExactlyInAnyOrder("objective.observable", "objective.squaredObservable");
        assertThat(problems(resolution).getFirst().message()).contains("no observable 'visible' (the default)");
    }

    @Test
    void costAndPenaltyRules() {
        String json = VALID.replace("\"optimizer\"", """
                "cost": {"materialPrices": {"lead": 1, "body": -2}, "budget": 5},
                "optimizer\"""");
        assertThat(problems(json)).extracting(FieldProblem::field)
                .containsExactlyInAnyOrder("cost.materialPrices.lead", "cost.materialPrices.body", "cost.penalty");
        String logisticWithLambda = VALID.replace("\"optimizer\"", """
                "cost": {"budget": 5, "penalty": {"shape": "logistic", "lambda": 2}},
                "optimizer\"""");
        assertThat(problems(logisticWithLambda)).containsExactly(
                new FieldProblem("cost.penalty.lambda", "applies only to the additive penalty shape"));
    }

    @Test
    void stoppingRules() {
        String json = VALID.replace("\"seed\": 42", """
                "stopping": {"gradientNorm": 0, "plateau": {"relativeTolerance": -1}, "maxEvents": 50}, "seed": 42""");
        assertThat(problems(json)).extracting(FieldProblem::field).containsExactlyInAnyOrder(
                "stopping.gradientNorm", "stopping.plateau.steps", "stopping.plateau.relativeTolerance", "stopping.maxEvents");
    }

    /** A simulator that supports only pathwise, to check estimator support is validated. */
    private static SimulatorCatalog catalogWithPathwiseOnly() {
        record NoConfig(int unused) {
        }
        Simulator pathwiseOnly = new Simulator() {
            @Override public String name() { return "pathwise-only"; }
            @Override public List<String> parameterNames() { return List.of("x"); }
            @Override public List<String> observableNames() { return List.of("loss"); }
            @Override public Set<EstimatorKind> supportedEstimators() { return Set.of(EstimatorKind.PATHWISE); }
            @Override public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
                throw new UnsupportedOperationException();
            }
        };
        return SimulatorCatalog.standard().with(new SimulatorType<>("pathwise-only", NoConfig.class, new NoConfig(0),
                c -> List.of(), c -> pathwiseOnly, (c, s) -> DetectorGeometry.none()));
    }

    @Test
    void estimatorMustApplyToTheSimulator() {
        String json = """
                {"name": "e", "simulator": {"name": "pathwise-only"}, "parameters": [{"name": "x", "initial": 1}],
                 "estimator": {"kind": "score"}, "objective": {"type": "expected-loss"},
                 "optimizer": {"type": "sgd", "learningRate": 0.1}, "eventsPerStep": 10, "maxSteps": 5, "seed": 1}
                """;
        assertThat(problems(json, catalogWithPathwiseOnly())).containsExactly(new FieldProblem("estimator.kind",
                "estimator 'score' does not apply to simulator 'pathwise-only'; supported: pathwise"));
        assertThat(StudySpecs.parse(json.replace("score", "pathwise"), catalogWithPathwiseOnly()).isValid()).isTrue();
    }

    /** Random edits of a valid spec must come back as problems or a spec, never as an exception. */
    @Test
    void neverThrowsOnMangledInput() {
        String valid = Specs.gaussianLoss("{\"type\": \"adam\", \"learningRate\": 0.05}", 100, 30, 10)
                .replace("\"objective\": {\"type\": \"expected-loss\"}", "\"objective\": {\"type\": \"profile-match\", "
                        + "\"observables\": [\"y*\"], \"target\": {\"simulate\": {\"parameters\": {\"mu\": 1}, \"events\": 10}}}");
        String[] replacements = {"null", "[]", "{}", "\"x\"", "-1", "0", "1e999", "NaN", "true", "9223372036854775808", "1.5"};
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        int rejected = 0;
        for (int trial = 0; trial < 400; trial++) {
            StringBuilder text = new StringBuilder(valid);
            for (int edit = 0; edit < 1 + random.nextInt(3); edit++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, replacements[random.nextInt(replacements.length)]);
                    default -> {
                        int colon = text.indexOf(":", at);
                        int end = colon < 0 ? -1 : Math.min(text.indexOf(",", colon) < 0 ? text.length() : text.indexOf(",", colon),
                                text.indexOf("}", colon) < 0 ? text.length() : text.indexOf("}", colon));
                        if (colon >= 0 && end > colon) {
                            text.replace(colon + 1, end, " " + replacements[random.nextInt(replacements.length)]);
                        }
                    }
                }
            }
            ParseResult result = StudySpecs.parse(text.toString());
            if (!result.isValid()) {
                rejected++;
                assertThat(result.problems()).allSatisfy(p -> {
                    assertThat(p.field()).isNotBlank();
                    assertThat(p.message()).isNotBlank().doesNotContain("could not validate");
                });
            }
        }
        assertThat(rejected).isGreaterThan(300);
    }

    @Test
    void parsesAJsonTreeToo() {
        var tree = dev.detopt.model.study.contract.WireJson.mapper().readTree(VALID);
        assertThat(StudySpecs.parse(tree).spec()).isEqualTo(Specs.parse(VALID));
        ((tools.jackson.databind.node.ObjectNode) tree).put("maxSteps", -1);
        assertThat(StudySpecs.parse(tree).problems()).containsExactly(new FieldProblem("maxSteps", "must be at least 1, was -1"));
    }

    @Test
    void orThrowListsProblems() {
        assertThatThrownBy(() -> StudySpecs.fromJson(VALID.replace("\"maxSteps\": 10", "\"maxSteps\": 0")))
                .isInstanceOf(InvalidStudySpecException.class)
                .hasMessageContaining("maxSteps: must be at least 1, was 0");
    }
}
