package dev.detopt.model.study.contract;

import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.stats.AccumulatorState;
import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudySpecs;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireJsonTest {
    private static final String SPEC = """
            {"name": "wire", "simulator": {"name": "gaussian"},
             "parameters": [{"name": "mu", "initial": 0.1}, {"name": "sigma", "initial": 0.7, "lower": 0.1}],
             "estimator": {"kind": "score"}, "objective": {"type": "expected-loss"},
             "optimizer": {"type": "adam", "learningRate": 0.01}, "eventsPerStep": 100, "eventsPerBatch": 40,
             "maxSteps": 3, "seed": 11}
            """;

    @Test
    void taskAndResultRoundTripExactly() {
        StudyEngine engine = new StudyEngine(StudySpecs.fromJson(SPEC));
        List<BatchTask> tasks = engine.tasks("s-1", engine.initialState());
        assertThat(tasks).extracting(BatchTask::eventFrom).containsExactly(0L, 40L, 80L);
        assertThat(tasks).extracting(BatchTask::eventTo).containsExactly(40L, 80L, 100L);
        BatchTask task = tasks.get(2).withCheckpointKey("studies/s-1/0/2");
        String json = WireJson.write(task);
        assertThat(WireJson.read(json, BatchTask.class)).isEqualTo(task);
        JsonNode tree = WireJson.mapper().readTree(json);
        assertThat(tree.get("version").intValue()).isEqualTo(1);
        assertThat(tree.get("estimator").get("kind").stringValue()).isEqualTo("score");
        assertThat(tree.get("theta").get(0).doubleValue()).isEqualTo(0.1);

        BatchResult result = new BatchExecutor(1, "w-1").execute(task);
        assertThat(result.statistics().events()).isEqualTo(20);
        String resultJson = WireJson.write(result);
        BatchResult back = WireJson.read(resultJson, BatchResult.class);
        assertThat(back).isEqualTo(result);
        assertThat(back.statistics()).isEqualTo(result.statistics());
        // exact sums travel as compact strings
        assertThat(WireJson.mapper().readTree(resultJson).get("statistics").get("sumY").get(0).isString()).isTrue();
    }

    @Test
    void wrongVersionAndUnknownFieldsAreRejected() {
        StudyEngine engine = new StudyEngine(StudySpecs.fromJson(SPEC));
        String json = WireJson.write(engine.tasks("s", engine.initialState()).getFirst());
        assertThatThrownBy(() -> WireJson.read(json.replace("\"version\":1", "\"version\":2"), BatchTask.class))
                .isInstanceOf(JacksonException.class).hasMessageContaining("version 2 is not supported");
        assertThatThrownBy(() -> WireJson.read(json.replace("\"version\":1", "\"version\":1,\"priority\":3"), BatchTask.class))
                .isInstanceOf(JacksonException.class).hasMessageContaining("priority");
    }

    @Test
    void estimatorKindsUseTheirWireNames() {
        EstimatorSettings settings = new EstimatorSettings(EstimatorKind.STOCHASTIC_AD, new double[] {0.1}, false, true);
        String json = WireJson.write(settings);
        assertThat(json).contains("\"kind\":\"stochastic-ad\"");
        assertThat(WireJson.read(json, EstimatorSettings.class)).isEqualTo(settings);
    }

    @Test
    void nonFiniteRecordValuesSurviveAsStrings() {
        StepRecord record = new StepRecord(3, Map.of("mu", -0.0), 1.0, Double.NaN, 0.0, 0.0, 1.0,
                Map.of("mu", Double.POSITIVE_INFINITY), Map.of("mu", Double.NaN), 2.0, 1, 4, null);
        String json = WireJson.write(record);
        assertThat(json).contains("\"physicsStderr\":\"NaN\"");
        StepRecord back = WireJson.read(json, StepRecord.class);
        assertThat(back).isEqualTo(record);
        assertThat(Double.doubleToRawLongBits(back.theta().get("mu"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void doublesRoundTripBitExactly() {
        double[] awkward = {0.1, 1.0 / 3, Math.PI * 1e300, Double.MIN_VALUE, -Double.MAX_VALUE, 1e-320, 2.0000000000000004};
        for (double value : awkward) {
            assertThat(WireJson.read(WireJson.write(value), Double.class)).isEqualTo(value);
        }
    }

    @Test
    void accumulatorStateRoundTrips() {
        StudyEngine engine = new StudyEngine(StudySpecs.fromJson(SPEC));
        AccumulatorState state = new BatchExecutor(2, "w").execute(engine.tasks("s", engine.initialState()).get(1)).statistics();
        assertThat(WireJson.read(WireJson.write(state), AccumulatorState.class)).isEqualTo(state);
    }
}
