package dev.detopt.model.sim;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

/**
 * The local-surrogate estimator (L-GSO, arXiv:2002.04632) for any simulator with a primal
 * simulation: each event runs once at its own design θ + δ ({@link SurrogateDesigns}) with its own
 * simulation stream and records y and δ; the accumulator's least squares of y on (1, δ[, δ²])
 * turns these into E[y] and ∂E[y]/∂θ at the step level. Needs no derivative from the simulator.
 */
public final class SurrogateEvaluator implements EventEvaluator {
    private final PrimalSimulation primal;
    private final double[] theta;
    private final int[] differentiated;
    private final double[] widths;
    private final SampleLayout layout;
    private final double[] shifted;

    public SurrogateEvaluator(PrimalSimulation primal, int observables, DesignPoint point, EstimatorSettings settings) {
        this.primal = primal;
        this.theta = point.values();
        this.differentiated = point.differentiated();
        this.widths = SurrogateDesigns.checkedWidths(settings, point);
        this.layout = layout(observables, differentiated.length, settings);
        this.shifted = theta.clone();
    }

    /** The sample layout of the surrogate estimator with these settings. */
    public static SampleLayout layout(int observables, int differentiated, EstimatorSettings settings) {
        return new SampleLayout(observables, differentiated, settings.surrogateQuadratic()
                ? SampleLayout.GradientForm.SURROGATE_QUADRATIC : SampleLayout.GradientForm.SURROGATE_LINEAR);
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    @Override
    public void evaluate(EventRandomness randomness, EventSample out) {
        SurrogateDesigns.displacement(randomness.pairedStream(StreamPurpose.SURROGATE), randomness.secondOfPair(), widths,
                differentiated, out.displacement);
        for (int k = 0; k < differentiated.length; k++) {
            shifted[differentiated[k]] = theta[differentiated[k]] + out.displacement[k];
        }
        primal.simulate(shifted, randomness.stream(StreamPurpose.SIMULATION), out.observables);
    }
}
