package dev.detopt.model.sim;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

/**
 * Central finite differences (f(θ+h e_j) − f(θ−h e_j)) / 2h for any simulator with a primal
 * simulation. With common random numbers both sides replay the event's simulation stream;
 * otherwise each side has its own stream (substreams 2j and 2j+1 of FINITE_DIFFERENCE).
 */
public final class FiniteDifferenceEvaluator implements EventEvaluator {
    private final PrimalSimulation primal;
    private final double[] theta;
    private final int[] differentiated;
    private final double[] steps;
    private final boolean commonRandomNumbers;
    private final SampleLayout layout;
    private final double[] shifted;
    private final double[] plus;
    private final double[] minus;

    public FiniteDifferenceEvaluator(PrimalSimulation primal, int observables, DesignPoint point, EstimatorSettings settings) {
        this.primal = primal;
        this.theta = point.values();
        this.differentiated = point.differentiated();
        double[] h = settings.finiteDifferenceSteps();
        if (h.length != theta.length) {
            throw new IllegalArgumentException("finite differences need one step per parameter: got "
                    + h.length + " for " + theta.length + " parameters");
        }
        for (int j : differentiated) {
            if (!(h[j] > 0) || !Double.isFinite(h[j])) {
                throw new IllegalArgumentException("finite-difference step for parameter " + j + " must be positive and finite, was " + h[j]);
            }
        }
        this.steps = h;
        this.commonRandomNumbers = settings.commonRandomNumbers();
        this.layout = new SampleLayout(observables, differentiated.length, SampleLayout.GradientForm.DIRECT);
        this.shifted = theta.clone();
        this.plus = new double[observables];
        this.minus = new double[observables];
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void evaluate(EventRandomness randomness, EventSample out) {
        primal.simulate(theta, randomness.stream(StreamPurpose.SIMULATION), out.observables);
        int n = differentiated.length;
        for (int k = 0; k < n; k++) {
            int j = differentiated[k];
            double h = steps[j];
            shifted[j] = theta[j] + h;
            primal.simulate(shifted, commonRandomNumbers ? randomness.stream(StreamPurpose.SIMULATION)
                    : randomness.stream(StreamPurpose.FINITE_DIFFERENCE, 2 * k + 1), plus);
            shifted[j] = theta[j] - h;
            primal.simulate(shifted, commonRandomNumbers ? randomness.stream(StreamPurpose.SIMULATION)
                    : randomness.stream(StreamPurpose.FINITE_DIFFERENCE, 2 * k), minus);
            shifted[j] = theta[j];
            for (int i = 0; i < plus.length; i++) {
                out.gradient[i * n + k] = (plus[i] - minus[i]) / (2 * h);
            }
        }
    }
}
