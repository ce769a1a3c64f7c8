package dev.detopt.model.estimate;

/**
 * A program that runs in one go (no intermediate states), e.g. a small analytic test program.
 * {@link #asStepped()} turns it into a one-step {@link SteppedProgram}.
 */
@FunctionalInterface
public interface StraightLineProgram {
    /**
     * Runs the program once.
     *
     * @param direction index of the parameter whose tangents to report, or −1
     * @param tangents  ∂observables/∂θ_direction with the discrete decisions held fixed
     */
    void run(double[] theta, int direction, RandomContext random, double[] observables, double[] tangents);

    /** This program as a one-step state machine reporting {@code observables} values. */
    default SteppedProgram<Run> asStepped(int observables) {
        StraightLineProgram body = this;
        return new SteppedProgram<>() {
            @Override
            public int observables() {
                return observables;
            }

            @Override
            public Run newState() {
                return new Run(observables);
            }

            @Override
            public void copy(Run from, Run into) {
                into.copyFrom(from);
            }

            @Override
            public void start(Run state, double[] theta, int direction, RandomContext random) {
                body.run(theta, direction, random, state.observables, state.tangents);
            }

            @Override
            public boolean finished(Run state) {
                return true;
            }

            @Override
            public void step(Run state, RandomContext random) {
                throw new IllegalStateException("a straight-line program finishes in its first step");
            }

            @Override
            public void results(Run state, double[] observablesOut, double[] tangentsOut) {
                System.arraycopy(state.observables, 0, observablesOut, 0, observables);
                System.arraycopy(state.tangents, 0, tangentsOut, 0, observables);
            }
        };
    }

    /** The outputs of one straight-line run. */
    final class Run {
        final double[] observables;
        final double[] tangents;

        Run(int observables) {
            this.observables = new double[observables];
            this.tangents = new double[observables];
        }

        void copyFrom(Run other) {
            System.arraycopy(other.observables, 0, observables, 0, observables.length);
            System.arraycopy(other.tangents, 0, tangents, 0, tangents.length);
        }
    }
}
