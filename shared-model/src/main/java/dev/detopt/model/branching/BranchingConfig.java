package dev.detopt.model.branching;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the branching-shower simulator (science.md §3).
 *
 * @param splitProbability probability that an interacting particle splits in two (1: "shower")
 *                         instead of losing energy (0: "energy loss")
 */
public record BranchingConfig(double splitProbability) {

    public static BranchingConfig defaults() {
        return new BranchingConfig(1.0);
    }

    /** Human-readable problems; empty when the configuration is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!(splitProbability >= 0 && splitProbability <= 1)) {
            problems.add("splitProbability must be in [0, 1], was " + splitProbability);
        }
        return problems;
    }
}
