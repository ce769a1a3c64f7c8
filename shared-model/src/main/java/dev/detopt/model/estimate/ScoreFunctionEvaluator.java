package dev.detopt.model.estimate;

import dev.detopt.model.random.EventRandomness;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.sim.DesignPoint;
import dev.detopt.model.stats.EventSample;
import dev.detopt.model.stats.SampleLayout;

import java.util.random.RandomGenerator;

/**
 * Score function (likelihood ratio): per event g = y·s + ∂y/∂θ, with the score
 * s = Σ d log p(b) over the program's Bernoulli decisions, (b/p − (1−b)/(1−p))·dp. The pathwise
 * term is zero for programs whose outputs depend on θ only through their decisions (the branching
 * shower). With the baseline, {@link dev.detopt.model.stats.SampleAccumulator#summary()} subtracts
 * the batch mean of y from exact sums, so batches compose; its N/(N−1) factor then also scales the
 * pathwise term, a relative bias of 1/(N−1) on that term only.
 */
final class ScoreFunctionEvaluator<S> extends ProgramEvaluator<S> {
    private final ScoreDraws draws = new ScoreDraws();

    ScoreFunctionEvaluator(SteppedProgram<S> program, DesignPoint point, boolean baseline) {
        super(program, point, baseline ? SampleLayout.GradientForm.SCORE_BASELINE : SampleLayout.GradientForm.SCORE);
    }

    @Override
    public void evaluate(EventRandomness randomness, EventSample out) {
        draws.random = randomness.stream(StreamPurpose.SIMULATION);
        draws.score = 0;
        runToCompletion(state, draws);
        program.results(state, out.observables, tangents);
        if (direction >= 0) {
            double s = draws.score;
            out.score[0] = s;
            for (int i = 0; i < tangents.length; i++) {
                out.gradient[i] = out.observables[i] * s + tangents[i];
            }
        }
    }

    private static final class ScoreDraws implements RandomContext {
        RandomGenerator random;
        double score;

        @Override
        public double uniform() {
            return random.nextDouble();
        }

        @Override
        public boolean bernoulli(double p, double dp) {
            boolean b = random.nextDouble() > 1 - p;
            if (dp != 0) {
                score += b ? dp / p : -dp / (1 - p);
            }
            return b;
        }
    }
}
