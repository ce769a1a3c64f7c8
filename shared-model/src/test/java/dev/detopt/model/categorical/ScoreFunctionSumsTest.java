package dev.detopt.model.categorical;

import dev.detopt.model.random.RandomStreams;
import dev.detopt.model.random.StreamPurpose;
import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreFunctionSumsTest {
    /** Toy: y | choice k ~ N(μ_k, σ_k²); the exact logit gradient of E[y] is p_k(μ_k − Σ_j p_j μ_j). */
    private static final double[] MU = {3.0, -1.0, 0.5, 2.0};
    private static final double[] SIGMA = {1.0, 0.5, 2.0, 1.5};
    private static final SoftmaxChoice CHOICE = new SoftmaxChoice(List.of("a", "b", "c", "d"),
            new double[]{0.3, -0.2, 0.8, 0.0});
    private static final RandomStreams STREAMS = new RandomStreams(20261207L);

    private static void simulate(ScoreFunctionSums sums, long from, long to) {
        for (long i = from; i < to; i++) {
            var event = STREAMS.event(0, i);
            int k = CHOICE.sample(event, 0);
            RandomGenerator physics = event.stream(StreamPurpose.SIMULATION);
            sums.add(k, MU[k] + SIGMA[k] * physics.nextGaussian());
        }
    }

    @Test
    void logitGradientIsUnbiasedOnAnAnalyticToy() {
        double[] p = CHOICE.probabilities();
        double mean = 0;
        for (int k = 0; k < MU.length; k++) {
            mean += p[k] * MU[k];
        }
        ScoreFunctionSums sums = new ScoreFunctionSums(MU.length);
        simulate(sums, 0, 200_000);
        ScoreFunctionSums.Gradient g = sums.gradient(p);
        for (int k = 0; k < MU.length; k++) {
            double exact = p[k] * (MU[k] - mean);
            double se = g.standardError()[k];
            // the window (4 SE) is well below the smallest effect, so a wrong sign or scale fails
            assertTrue(se > 0 && 4 * se < 0.25 * Math.abs(exact), "SE " + se + " vs gradient " + exact);
            assertEquals(exact, g.estimate()[k], 4 * se, "d/dl_" + k);
        }
    }

    @Test
    void standardErrorMatchesTheSpreadOfIndependentReplicates() {
        double[] p = CHOICE.probabilities();
        int replicates = 200;
        int perReplicate = 2_000;
        double[] estimates = new double[replicates];
        double meanReportedSe = 0;
        for (int r = 0; r < replicates; r++) {
            ScoreFunctionSums sums = new ScoreFunctionSums(MU.length);
            simulate(sums, (long) r * perReplicate, (long) (r + 1) * perReplicate);
            ScoreFunctionSums.Gradient g = sums.gradient(p);
            estimates[r] = g.estimate()[0];
            meanReportedSe += g.standardError()[0] / replicates;
        }
        double m = java.util.Arrays.stream(estimates).average().orElseThrow();
        double spread = Math.sqrt(java.util.Arrays.stream(estimates).map(x -> (x - m) * (x - m)).sum() / (replicates - 1));
        // 200 replicates estimate a standard deviation to ~5 %; 15 % tolerates 3 of those
        assertEquals(spread, meanReportedSe, 0.15 * spread);
    }

    @Test
    void sumsAndGradientAreBitIdenticalAcrossBatchSplits() {
        ScoreFunctionSums whole = new ScoreFunctionSums(MU.length);
        simulate(whole, 0, 10_000);
        ScoreFunctionSums merged = new ScoreFunctionSums(MU.length);
        long[] cuts = {0, 1, 977, 4_000, 4_001, 10_000};
        for (int b = cuts.length - 2; b >= 0; b--) { // batches merged in reverse order
            ScoreFunctionSums batch = new ScoreFunctionSums(MU.length);
            simulate(batch, cuts[b], cuts[b + 1]);
            merged.add(batch);
        }
        assertEquals(whole, merged);
        double[] p = CHOICE.probabilities();
        assertArrayEquals(whole.gradient(p).estimate(), merged.gradient(p).estimate(), 0.0);
        assertArrayEquals(whole.gradient(p).standardError(), merged.gradient(p).standardError(), 0.0);
    }

    @Test
    void aCheckpointThroughJsonResumesBitExactly() {
        ScoreFunctionSums whole = new ScoreFunctionSums(MU.length);
        simulate(whole, 0, 3_000);
        ScoreFunctionSums firstHalf = new ScoreFunctionSums(MU.length);
        simulate(firstHalf, 0, 1_234);
        String json = WireJson.write(firstHalf.state());
        ScoreFunctionSums resumed = ScoreFunctionSums.fromState(WireJson.read(json, ScoreFunctionSums.State.class));
        assertEquals(firstHalf, resumed);
        simulate(resumed, 1_234, 3_000);
        assertEquals(whole, resumed);
        assertEquals(whole.state(), resumed.state());
    }

    @Test
    void anEventsChoiceDependsOnlyOnItsCoordinatesAndFollowsTheProbabilities() {
        assertEquals(CHOICE.sample(STREAMS.event(3, 41), 0), CHOICE.sample(STREAMS.event(3, 41), 0));
        int[] counts = new int[MU.length];
        int n = 100_000;
        for (long i = 0; i < n; i++) {
            counts[CHOICE.sample(STREAMS.event(1, i), 0)]++;
        }
        double[] p = CHOICE.probabilities();
        for (int k = 0; k < p.length; k++) {
            double se = Math.sqrt(n * p[k] * (1 - p[k]));
            assertEquals(n * p[k], counts[k], 4 * se, "choice " + k);
        }
        // a second categorical parameter draws from another substream
        long differ = java.util.stream.LongStream.range(0, 200)
                .filter(i -> CHOICE.sample(STREAMS.event(1, i), 0) != CHOICE.sample(STREAMS.event(1, i), 1)).count();
        assertNotEquals(0, differ);
    }

    @Test
    void softmaxExpectationAndItsGradientByHand() {
        SoftmaxChoice two = new SoftmaxChoice(List.of("x", "y"), new double[]{Math.log(3), 0});
        assertArrayEquals(new double[]{0.75, 0.25}, two.probabilities(), 1e-15);
        double[] gradient = new double[2];
        // costs 10 and 2: E = 0.75·10 + 0.25·2 = 8; ∂/∂l_x = 0.75·(10 − 8) = 1.5, ∂/∂l_y = 0.25·(2 − 8) = −1.5
        assertEquals(8.0, two.expectation(new double[]{10, 2}, gradient), 1e-14);
        assertArrayEquals(new double[]{1.5, -1.5}, gradient, 1e-14);
        assertEquals(0, two.mostProbable());
        SoftmaxChoice huge = new SoftmaxChoice(List.of("x", "y"), new double[]{1000, 999});
        assertEquals(1 / (1 + Math.exp(-1)), huge.probability(0), 1e-15);
    }
}
