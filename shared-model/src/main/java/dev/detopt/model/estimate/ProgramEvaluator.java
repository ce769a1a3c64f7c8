package dev.detopt.model.estimate;

import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.sim.EventEvaluator;
import dev.detopt.model.stats.SampleLayout;

/** Common parts of the evaluators that run a {@link SteppedProgram} at one design point. */
abstract class ProgramEvaluator<S> implements EventEvaluator {
    final SteppedProgram<S> program;
    final double[] theta;
    /** Differentiated parameter, or −1 when no gradient is requested. */
    final int direction;
    final SampleLayout layout;
    final S state;
    final double[] observables;
    final double[] tangents;

    ProgramEvaluator(SteppedProgram<S> program, DesignPoint point, SampleLayout.GradientForm form) {
        this.program = program;
        this.theta = point.values();
        this.direction = point.differentiatedCount() == 0 ? -1 : point.differentiated()[0];
        this.layout = new SampleLayout(program.observables(), point.differentiatedCount(), form);
        this.state = program.newState();
        this.observables = new double[program.observables()];
        this.tangents = new double[program.observables()];
    }

    @Override
    public SampleLayout layout() {
        return layout;
    }

    /** Runs the program to completion from its start. */
    void runToCompletion(S run, RandomContext random) {
        program.start(run, theta, direction, random);
        while (!program.finished(run)) {
            program.step(run, random);
        }
    }
}
