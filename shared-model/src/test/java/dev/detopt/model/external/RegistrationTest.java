package dev.detopt.model.external;

import dev.detopt.model.cli.DetoptSim;
import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.InvalidStudySpecException;
import dev.detopt.model.study.ParseResult;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Operators register programs; specs only name them, and are checked against the declaration. */
class RegistrationTest {

    private static String spec(String simulator, String estimator) throws IOException {
        return Files.readString(Path.of("..", "docs", "examples", "simulators", "d-em-shower-resolution.json"))
                .replace("\"name\": \"em-shower\"", "\"name\": \"" + simulator + "\"")
                .replace("\"kind\": \"finite-difference\"", "\"kind\": \"" + estimator + "\"");
    }

    private static List<String> fields(ParseResult result) {
        return result.problems().stream().map(FieldProblem::field).toList();
    }

    @Test
    void theExampleSpecsAreValidAgainstTheExampleRegistry() throws IOException {
        try (ExternalSimulators simulators = ExternalSimulators.load(Programs.REGISTRY)) {
            try (var files = Files.list(Path.of("..", "docs", "examples", "simulators"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    ParseResult result = StudySpecs.parse(Files.readString(file), simulators.catalog());
                    assertThat(result.problems()).as(file.toString()).isEmpty();
                }
            }
            // without the registry the name is unknown
            assertThat(fields(StudySpecs.parse(spec("em-shower", "finite-difference")))).containsExactly("simulator.name");
        }
    }

    @Test
    void specsAreCheckedAgainstTheDeclaration() throws IOException {
        try (ExternalSimulators simulators = ExternalSimulators.load(Programs.REGISTRY)) {
            ParseResult pathwise = StudySpecs.parse(spec("em-shower", "pathwise"), simulators.catalog());
            assertThat(fields(pathwise)).containsExactly("estimator.kind");
            assertThat(pathwise.problems().getFirst().message()).contains("supported: finite-difference");
            assertThat(StudySpecs.parse(spec("em-shower", "stochastic-ad"), simulators.catalog()).problems())
                    .extracting(FieldProblem::field).containsExactly("estimator.kind");
            assertThat(StudySpecs.parse(spec("em-shower-tangents", "pathwise"), simulators.catalog()).problems()).isEmpty();
            assertThat(fields(StudySpecs.parse(spec("em-shower", "finite-difference").replace("\"name\": \"active\"", "\"name\": \"gap\""),
                    simulators.catalog()))).contains("parameters[1].name");
            // the spec's bounds must lie inside the declared ones (absorber: [0.5, 30] mm)
            assertThat(fields(StudySpecs.parse(spec("em-shower", "finite-difference").replace("\"lower\": 1.0, \"upper\": 20.0", "\"upper\": 40.0"),
                    simulators.catalog()))).containsExactlyInAnyOrder("parameters[0].lower", "parameters[0].upper");
            assertThat(fields(StudySpecs.parse(spec("em-shower", "finite-difference").replace("\"initial\": 4.0", "\"initial\": 0.1"),
                    simulators.catalog()))).containsExactly("parameters[1].initial");
            // a simulated profile target would make the service run the program: refused
            String target = spec("em-shower", "finite-difference").replace(
                    "\"objective\": {\"type\": \"energy-resolution\", \"observable\": \"visible\", \"squaredObservable\": \"visible.squared\"}",
                    "\"objective\": {\"type\": \"profile-match\", \"observables\": [\"layer.*\"], \"target\": {\"simulate\": "
                            + "{\"parameters\": {\"absorber\": 5.0}, \"events\": 100}}}");
            assertThat(fields(StudySpecs.parse(target, simulators.catalog()))).containsExactly("objective.target.simulate");
            assertThat(fields(StudySpecs.parse(spec("em-shower", "finite-difference").replace("\"observable\": \"visible\"",
                    "\"observable\": \"energy\""), simulators.catalog()))).contains("objective.observable");
        }
    }

    @Test
    void aSpecCannotChooseACommand() throws IOException {
        try (ExternalSimulators simulators = ExternalSimulators.load(Programs.REGISTRY)) {
            String json = spec("em-shower", "finite-difference").replace("\"config\": {\"energyMeV\": 10000}",
                    "\"config\": {\"energyMeV\": 10000}, \"command\": [\"/bin/sh\", \"-c\", \"rm -rf /\"]");
            assertThat(fields(StudySpecs.parse(json, simulators.catalog()))).containsExactly("simulator.command");
            // the configuration goes to the program as data; the program refuses what it does not know
            String config = spec("em-shower", "finite-difference").replace("\"config\": {\"energyMeV\": 10000}",
                    "\"config\": {\"energyMeV\": 10000, \"layers\": 5}");
            ParseResult parsed = StudySpecs.parse(config, simulators.catalog());
            assertThat(parsed.problems()).isEmpty();
            assertThatThrownBy(() -> new dev.detopt.model.study.StudyRunner(parsed.spec(), simulators.catalog(), 1).run(r -> { }))
                    .isInstanceOf(SimulatorFailure.class)
                    .hasMessageContaining("it reported an error: unknown configuration field 'layers'; known: energyMeV");
        }
    }

    @Test
    void badRegistrationsNameTheirFields() {
        ObjectNode good = WireJson.mapper().createObjectNode();
        good.put("name", "my-calo");
        good.putArray("command").add("python3").add("calo.py");
        good.set("declaration", Programs.misbehavingDeclaration(true).toJson());
        assertThat(SimulatorRegistration.parse(good).name()).isEqualTo("my-calo");

        List<FieldProblem> problems = new ArrayList<>();
        ObjectNode bad = good.deepCopy();
        bad.put("name", "My Calo");
        bad.putArray("command");
        bad.put("startTimeoutSeconds", -1);
        bad.put("verifyDeterminism", "yes");
        bad.put("shell", "bash");
        bad.putObject("environment").put("1X", "y");
        ((ObjectNode) bad.get("declaration")).putArray("observables").add("y").add("y");
        ((ObjectNode) bad.get("declaration").get("parameters").get(0)).put("lower", 2).put("upper", 1);
        assertThat(SimulatorRegistration.parse(bad, "$", problems)).isNull();
        assertThat(problems).extracting(FieldProblem::field).containsExactlyInAnyOrder("name", "command",
                "startTimeoutSeconds", "verifyDeterminism", "shell", "environment.1X", "declaration.observables[1]",
                "declaration.parameters[0].lower", "declaration.parameters[0].default");

        ObjectNode noProgram = good.deepCopy();
        noProgram.remove("command");
        problems.clear();
        SimulatorRegistration.parse(noProgram, "$", problems);
        assertThat(problems).extracting(FieldProblem::field).containsExactly("command");

        ObjectNode builtIn = good.deepCopy();
        builtIn.put("name", "calorimeter");
        assertThatThrownBy(() -> new ExternalSimulators(List.of(SimulatorRegistration.parse(builtIn))))
                .hasMessageContaining("'calorimeter' is a built-in simulator's name");
    }

    @Test
    void registryFilesAreCheckedAsAWhole(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, "{\"simulators\": [{\"name\": \"x\"}, {\"name\": \"y\", \"command\": [\"a\"]}]}");
        assertThatThrownBy(() -> ExternalSimulators.load(file)).isInstanceOfSatisfying(InvalidStudySpecException.class,
                e -> assertThat(e.problems()).extracting(FieldProblem::field)
                        .contains("simulators[0].command", "simulators[0].declaration", "simulators[1].declaration"));
    }

    private static String[] cli(String... args) {
        CommandLine cli = DetoptSim.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void theRegistryDeclarationsAreWhatTheProgramsSay() throws IOException {
        JsonNode registry = WireJson.mapper().readTree(Files.readString(Programs.REGISTRY));
        for (JsonNode entry : registry.get("simulators")) {
            List<String> command = new ArrayList<>(List.of("describe", "--name", entry.get("name").stringValue(), "--"));
            entry.get("command").forEach(arg -> command.add(arg.stringValue().startsWith("python/")
                    ? Programs.EXAMPLES.resolve(arg.stringValue()).toString() : arg.stringValue()));
            command.addFirst("simulator");
            String[] result = cli(command.toArray(String[]::new));
            assertThat(result[0]).as(result[2]).isEqualTo("0");
            JsonNode described = WireJson.mapper().readTree(result[1]);
            assertThat(described.get("declaration")).isEqualTo(entry.get("declaration"));
        }
    }

    @Test
    void optimizeRunsARegisteredProgram(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("e.json");
        Files.writeString(spec, Files.readString(Path.of("..", "docs", "examples", "simulators", "e-em-shower-pathwise.json"))
                .replace("\"eventsPerStep\": 400", "\"eventsPerStep\": 40").replace("\"eventsPerBatch\": 100", "\"eventsPerBatch\": 20")
                .replace("\"maxSteps\": 20", "\"maxSteps\": 3"));
        String[] result = cli("optimize", "--spec", spec.toString(), "--simulators", Programs.REGISTRY.toString(), "--threads", "2", "--quiet");
        assertThat(result[0]).as(result[2]).isEqualTo("0");
        assertThat(result[1]).contains("simulator em-shower-tangents, estimator pathwise").contains("stopped: max-steps after 3 steps");
        String[] unregistered = cli("optimize", "--spec", Path.of("..", "docs", "examples", "simulators", "e-em-shower-pathwise.json").toString());
        assertThat(unregistered[0]).isEqualTo("2");
        assertThat(unregistered[2]).contains("simulator.name: unknown simulator 'em-shower-tangents'");
    }
}
