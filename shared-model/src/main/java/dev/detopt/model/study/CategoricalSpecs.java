package dev.detopt.model.study;

import dev.detopt.model.sim.Simulator;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validation of a categorical parameter in a spec's parameter list:
 * {@code {"name": "absorber", "choices": ["PbWO4", "Pb"], "logits": [0, 0]}}. Its optimised variables
 * are the softmax logits (one per choice, default 0: equal probabilities), so numeric fields of a
 * continuous parameter (initial, lower, upper, scale) are errors. Every bad field is named.
 * The study engine draws each event's choice from the softmax of the logits and optimises the logits
 * by the score function (docs/estimators.md, categorical design parameters).
 */
final class CategoricalSpecs {
    private static final List<String> NUMERIC_FIELDS = List.of("initial", "lower", "upper", "scale");

    private CategoricalSpecs() {
    }

    /** Checks one categorical parameter; problems go to {@code f}'s list. Null when it has problems. */
    static ParameterSpec categorical(JsonFields f, Simulator simulator, List<FieldProblem> problems) {
        int before = problems.size();
        String name = f.string("name", true);
        String unit = f.string("unit", false);
        Boolean frozen = f.bool("frozen", false);
        Double learningRate = f.number("learningRate", false);
        if (learningRate != null && learningRate <= 0) {
            f.problem("learningRate", "must be positive, was " + learningRate);
        }
        for (String numeric : NUMERIC_FIELDS) {
            if (f.has(numeric)) {
                f.problem(numeric, "a categorical parameter has no '" + numeric + "': its optimised variables are the "
                        + "logits of its choices (give \"logits\", one per choice)");
            }
        }
        List<String> offered = null;
        if (name != null && simulator != null) {
            Map<String, List<String>> categoricals = simulator.categoricalChoices();
            offered = categoricals.get(name);
            if (offered == null) {
                f.problem("name", "simulator '" + simulator.name() + "' has no categorical parameter '" + name + "'"
                        + (categoricals.isEmpty() ? "" : "; it has " + String.join(", ", categoricals.keySet().stream().sorted().toList())));
            }
        }
        List<JsonNode> choiceNodes = f.array("choices", true);
        List<String> choices = new ArrayList<>();
        if (choiceNodes != null) {
            if (choiceNodes.isEmpty()) {
                f.problem("choices", "must list at least one choice");
            }
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < choiceNodes.size(); j++) {
                JsonNode node = choiceNodes.get(j);
                String field = "choices[" + j + "]";
                if (!node.isString()) {
                    f.problem(field, "must be a string");
                    continue;
                }
                String choice = node.asString();
                choices.add(choice);
                if (!seen.add(choice)) {
                    f.problem(field, "choice '" + choice + "' is listed twice");
                } else if (offered != null && !offered.contains(choice)) {
                    f.problem(field, "unknown choice '" + choice + "' for " + name + "; simulator '" + simulator.name()
                            + "' offers " + String.join(", ", offered));
                }
            }
        }
        List<JsonNode> logitNodes = f.array("logits", false);
        List<Double> logits = new ArrayList<>();
        if (logitNodes != null) {
            if (choiceNodes != null && logitNodes.size() != choiceNodes.size()) {
                f.problem("logits", "needs one logit per choice: " + choiceNodes.size() + " choices, "
                        + logitNodes.size() + " logits");
            }
            for (int j = 0; j < logitNodes.size(); j++) {
                logits.add(JsonFields.number(logitNodes.get(j), f.at("logits[" + j + "]"), problems));
            }
        } else {
            choices.forEach(choice -> logits.add(0.0));
        }
        f.finish();
        if (frozen != null && frozen && choices.size() > 1) {
            f.problem("frozen", "a frozen categorical parameter must list exactly one choice");
        }
        if (problems.size() > before) {
            return null;
        }
        return ParameterSpec.categorical(name, unit, choices, logits, learningRate, frozen != null && frozen);
    }
}
