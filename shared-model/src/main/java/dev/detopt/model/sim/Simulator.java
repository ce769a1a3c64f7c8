package dev.detopt.model.sim;

import java.util.List;
import java.util.Set;

/**
 * A Monte-Carlo simulator with a fixed configuration. Thread-safe: it hands out thread-confined
 * {@link EventEvaluator}s.
 */
public interface Simulator {
    /** Wire name, e.g. "calorimeter" or "branching". */
    String name();

    /** Design parameters that may vary or be differentiated, e.g. [e, a, g] or [theta]. */
    List<String> parameterNames();

    /** Per-event observables, e.g. absorber.0 … gap.49, leakage, or loss. */
    List<String> observableNames();

    /** Estimators this simulator supports; others are rejected by {@link #evaluator}. */
    Set<EstimatorKind> supportedEstimators();

    /**
     * A new evaluator for one thread.
     *
     * @throws UnsupportedEstimatorException if the estimator does not apply to this simulator
     */
    EventEvaluator evaluator(DesignPoint point, EstimatorSettings estimator);

    /** Categorical design parameters by name, each with its choices (e.g. absorber → PbWO4, Pb, …); none by default. */
    default java.util.Map<String, List<String>> categoricalChoices() {
        return java.util.Map.of();
    }

    /**
     * This simulator with the given choice of some of its categorical parameters (name → choice), the
     * others at their defaults.
     *
     * @throws IllegalArgumentException for a categorical or choice the simulator does not offer
     */
    default Simulator withChoices(java.util.Map<String, String> chosen) {
        if (chosen.isEmpty()) {
            return this;
        }
        throw new IllegalArgumentException("simulator '" + name() + "' has no categorical parameters");
    }

    default int parameterIndex(String name) {
        int index = parameterNames().indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("simulator '" + name() + "' has no parameter '" + name
                    + "'; it has " + parameterNames());
        }
        return index;
    }

    default void requireSupported(EstimatorKind kind) {
        if (!supportedEstimators().contains(kind)) {
            throw new UnsupportedEstimatorException(this, kind);
        }
    }
}
