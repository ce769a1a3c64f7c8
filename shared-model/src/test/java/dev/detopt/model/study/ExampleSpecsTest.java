package dev.detopt.model.study;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example in docs/examples must be a valid spec that survives a JSON round trip. */
class ExampleSpecsTest {
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    @Test
    void examplesAreValidSpecs() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("c-branching-radius.json");
        for (Path file : files) {
            ParseResult result = StudySpecs.parse(Files.readString(file));
            assertThat(result.problems()).as(file.toString()).isEmpty();
            assertThat(StudySpecs.fromJson(StudySpecs.toJson(result.spec()))).isEqualTo(result.spec());
        }
    }

    @Test
    void groupExamplesHaveValidBaseSpecs() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES.resolve("groups"))) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        for (Path file : files) {
            String baseSpec = json.readTree(Files.readString(file)).get("baseSpec").toString();
            assertThat(StudySpecs.parse(baseSpec).problems()).as(file.toString()).isEmpty();
        }
    }

    @Test
    void exampleCIsTheDemoRunForStochasticAdSeedOne() throws IOException {
        StudySpec example = StudySpecs.fromJson(Files.readString(EXAMPLES.resolve("c-branching-radius.json")));
        dev.detopt.model.cli.DemoCommand demo = new dev.detopt.model.cli.DemoCommand();
        new picocli.CommandLine(demo).parseArgs();
        StudySpec demoSpec = StudySpecs.fromJson(demo.specJson(1.0, dev.detopt.model.sim.EstimatorKind.STOCHASTIC_AD, 1));
        List<StepRecord> fromExample = new StudyRunner(example, 1).run(r -> { }).steps();
        List<StepRecord> fromDemo = new StudyRunner(demoSpec, 1).run(r -> { }).steps();
        assertThat(fromExample).hasSize(500).isEqualTo(fromDemo);
    }
}
