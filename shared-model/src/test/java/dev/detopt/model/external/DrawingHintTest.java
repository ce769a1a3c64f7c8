package dev.detopt.model.external;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The optional drawing hint of a hello (docs/simulator-protocol.md §2): read, checked, written back. */
class DrawingHintTest {

    private static JsonNode exampleHello() throws Exception {
        Process process = new ProcessBuilder("python3", Programs.EM_SHOWER.toString(), "--layers", "7").start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return WireJson.mapper().readTree(reader.readLine());
        } finally {
            process.getOutputStream().close();
            assertThat(process.waitFor()).isZero();
        }
    }

    private static SimulatorDeclaration parse(JsonNode hello, List<FieldProblem> problems) {
        return SimulatorDeclaration.parse(hello, "hello", problems, Set.of("type", "protocol"));
    }

    @Test
    void theExampleDeclaresItsSamplingStack() throws Exception {
        List<FieldProblem> problems = new ArrayList<>();
        SimulatorDeclaration declaration = parse(exampleHello(), problems);
        assertThat(problems).isEmpty();
        assertThat(declaration.drawing()).isEqualTo(new SimulatorDeclaration.Drawing("layers", 7, List.of(
                new SimulatorDeclaration.Drawing.Layer("absorber", "absorber (lead)"),
                new SimulatorDeclaration.Drawing.Layer("active", "active (scintillator)"))));
        // Written back (a registration repeats it) and read again: the same hint.
        SimulatorDeclaration again = SimulatorDeclaration.parse(declaration.toJson(), "declaration", problems, Set.of());
        assertThat(problems).isEmpty();
        assertThat(again).isEqualTo(declaration);
        // The hint is for the dashboard only: a registration without it still has the same interface.
        ObjectNode without = declaration.toJson();
        without.remove("drawing");
        SimulatorDeclaration plain = SimulatorDeclaration.parse(without, "declaration", problems, Set.of());
        assertThat(plain.drawing()).isNull();
        assertThat(plain.sameInterface(declaration)).isTrue();
    }

    @Test
    void aBadHintIsRefusedNamingEachField() throws Exception {
        ObjectNode hello = (ObjectNode) exampleHello();
        hello.set("drawing", WireJson.mapper().readTree("""
                {"kind": "cylinders", "repeat": 0, "colour": "red",
                 "layers": [{"parameter": "lead"}, {"parameter": "active", "label": ""}, 3]}
                """));
        List<FieldProblem> problems = new ArrayList<>();
        assertThat(parse(hello, problems)).isNull();
        assertThat(problems).extracting(FieldProblem::field).containsExactlyInAnyOrder(
                "hello.drawing.colour", "hello.drawing.kind", "hello.drawing.repeat",
                "hello.drawing.layers[0].parameter", "hello.drawing.layers[1].label", "hello.drawing.layers[2]");

        hello.set("drawing", WireJson.mapper().readTree("{\"kind\": \"layers\", \"layers\": []}"));
        problems.clear();
        assertThat(parse(hello, problems)).isNull();
        assertThat(problems).extracting(FieldProblem::field).containsExactly("hello.drawing.layers");

        hello.put("drawing", "layers");
        problems.clear();
        assertThat(parse(hello, problems)).isNull();
        assertThat(problems).extracting(FieldProblem::field).containsExactly("hello.drawing");
    }
}
