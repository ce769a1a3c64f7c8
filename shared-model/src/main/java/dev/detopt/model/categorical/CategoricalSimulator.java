package dev.detopt.model.categorical;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EstimatorKind;
import dev.detopt.model.sim.EstimatorSettings;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.sim.Simulator;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A simulator whose categorical design parameters are drawn per event: each event first draws the
 * choice of every categorical from its own stream ({@link SoftmaxChoice#sample(EventRandomness, int)},
 * substream = the categorical's position), then is simulated, with the study's estimator, by the
 * simulator of those choices. The sample records the choices, so the statistics keep per-choice sums
 * for the score-function gradient of the logits; numeric gradients are conditional on the event's choice.
 */
public final class CategoricalSimulator implements Simulator {
    private final Simulator base;
    private final List<String> names;
    private final List<SoftmaxChoice> distributions;
    private final Function<Map<String, String>, Simulator> withChoices;

    /**
     * @param base          the simulator at its default choices
     * @param names         the categorical parameters, in the order of their streams
     * @param distributions their choices and probabilities, in the same order
     * @param withChoices   the simulator of given choices (name → choice), e.g. a cache over {@link Simulator#withChoices}
     */
    public CategoricalSimulator(Simulator base, List<String> names, List<SoftmaxChoice> distributions,
                                Function<Map<String, String>, Simulator> withChoices) {
        if (names.size() != distributions.size() || names.isEmpty()) {
            throw new IllegalArgumentException("need one distribution per categorical, and at least one categorical");
        }
        this.base = base;
        this.names = List.copyOf(names);
        this.distributions = List.copyOf(distributions);
        this.withChoices = withChoices;
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public List<String> parameterNames() {
        return base.parameterNames();
    }

    @Override
    public List<String> observableNames() {
        return base.observableNames();
    }

    @Override
    public Set<EstimatorKind> supportedEstimators() {
        return base.supportedEstimators();
    }

    @Override
    public Map<String, List<String>> categoricalChoices() {
        return base.categoricalChoices();
    }

    @Override
    public EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator) {
        return new Evaluator(point, estimator);
    }

    /** Thread-confined: one evaluator per choice combination, built when an event first draws it. */
    private final class Evaluator implements EventEvaluator {
        private final DesignPoint point;
        private final EstimatorSettings estimator;
        private final SampleLayout layout;
        private final Map<List<Integer>, EventEvaluator> byChoices = new HashMap<>();
        private final int[] drawn;

        Evaluator(DesignPoint point, EstimatorSettings estimator) {
            this.point = point;
            this.estimator = estimator;
            this.drawn = new int[names.size()];
            SampleLayout inner = evaluatorFor(drawn).layout();
            this.layout = inner.withChoices(distributions.stream().map(d -> d.choices().size()).toList());
        }

        private EventEvaluator evaluatorFor(int[] choices) {
            List<Integer> key = java.util.Arrays.stream(choices).boxed().toList();
            EventEvaluator evaluator = byChoices.get(key);
            if (evaluator == null) {
                Map<String, String> chosen = new LinkedHashMap<>();
                for (int j = 0; j < choices.length; j++) {
                    chosen.put(names.get(j), distributions.get(j).choices().get(choices[j]));
                }
                evaluator = withChoices.apply(chosen).evaluator(point, estimator);
                byChoices.put(key, evaluator);
            }
            return evaluator;
        }

        @Override
        public SampleLayout layout() {
            return layout;
        }

        @Override
        public void evaluate(EventRandomness randomness, EventSample out) {
            for (int j = 0; j < drawn.length; j++) {
                drawn[j] = distributions.get(j).sample(randomness, j);
                out.choices[j] = drawn[j];
            }
            evaluatorFor(drawn).evaluate(randomness, out);
        }
    }
}
