package dev.detopt.model.study;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryCsvTest {

    private static StepRecord step(int step, double mu, Map<String, StepRecord.ObservableEstimate> observables) {
        return new StepRecord(step, Map.of("mu", mu), 2.5, 0.25, 0.0, 0.0, 2.5, Map.of("mu", -1.5),
                Map.of("mu", 0.125), 1.5, 100, 100L * (step + 1), null, observables);
    }

    @Test
    void observablesFollowTheExistingColumnsAndOlderRecordsLeaveThemEmpty() {
        Map<String, StepRecord.ObservableEstimate> observables = new LinkedHashMap<>();
        observables.put("edep", new StepRecord.ObservableEstimate(12.75, 0.5, null));
        observables.put("layer 2", new StepRecord.ObservableEstimate(3.0625, 0.0078125, Map.of("mu", 1.0)));
        String csv = HistoryCsv.write(List.of(step(0, 1.0, null), step(1, 1.25, observables)), Map.of("mu", 1.5));

        String[] lines = csv.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("step,physics,physics_stderr,cost,penalty,total,gradient_norm,events,events_total,lambda,"
                + "theta.mu,gradient.mu,gradient_stderr.mu,theta_after.mu,"
                + "observable_mean.edep,observable_mean.layer_2,observable_stderr.edep,observable_stderr.layer_2");
        assertThat(lines[1]).isEqualTo("0,2.5,0.25,0.0,0.0,2.5,1.5,100,100,,1.0,-1.5,0.125,1.25,,,,");
        assertThat(lines[2]).isEqualTo("1,2.5,0.25,0.0,0.0,2.5,1.5,100,200,,1.25,-1.5,0.125,1.5,12.75,3.0625,0.5,0.0078125");
    }

    @Test
    void historyWithoutObservablesKeepsItsColumns() {
        String csv = HistoryCsv.write(List.of(step(0, 1.0, null)), null);
        assertThat(csv).isEqualTo("step,physics,physics_stderr,cost,penalty,total,gradient_norm,events,events_total,lambda,"
                + "theta.mu,gradient.mu,gradient_stderr.mu,theta_after.mu\n0,2.5,0.25,0.0,0.0,2.5,1.5,100,100,,1.0,-1.5,0.125,\n");
    }
}
