package dev.detopt.model.estimate;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

/**
 * Pathwise (forward-mode) derivative: the program's tangents with every random decision held
 * fixed. Biased whenever θ moves a discrete decision, because the derivative of the step
 * [u &gt; 1 − p(θ)] is zero almost everywhere.
 */
final class PathwiseEvaluator<S> extends ProgramEvaluator<S> {
    private final PlainDraws draws = new PlainDraws();

    PathwiseEvaluator(SteppedProgram<S> program, DesignPoint point) {
        super(program, point, SampleLayout.GradientForm.DIRECT);
    }

    @Override
    public void evaluate(EventRandomness randomness, EventSample out) {
        draws.random = randomness.stream(StreamPurpose.SIMULATION);
        runToCompletion(state, draws);
        program.results(state, out.observables, tangents);
        if (direction >= 0) {
            System.arraycopy(tangents, 0, out.gradient, 0, tangents.length);
        }
    }
}
