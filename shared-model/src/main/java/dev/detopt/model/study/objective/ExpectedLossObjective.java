package dev.detopt.model.study.objective;

import dev.detopt.model.stats.SampleSummary;

/** E[loss] of a per-event loss observable (e.g. the branching shower's (mean hit radius − 2)²). */
public final class ExpectedLossObjective implements Objective {
    private final int loss;

    public ExpectedLossObjective(int loss) {
        this.loss = loss;
    }

    @Override
    public Evaluation evaluate(SampleSummary summary) {
        int n = summary.layout().parameters();
        double[] gradient = new double[n];
        double[] gradientStderr = new double[n];
        for (int j = 0; j < n; j++) {
            gradient[j] = summary.gradient(loss, j);
            gradientStderr[j] = summary.gradientStderr(loss, j);
        }
        return new Evaluation(summary.mean()[loss], summary.meanStderr()[loss], gradient, gradientStderr);
    }
}
