package dev.detopt.service.read;

import java.util.Map;

/**
 * What the built-in simulators' parameters mean and which unit their observables carry, for the
 * answer's labels (external programs declare neither: their labels stay null).
 */
final class PhysicsLabels {
    private static final Map<String, Map<String, String>> MEANINGS = Map.of(
            "calorimeter", Map.of(
                    "e", "energy of the incident particle",
                    "a", "absorber (PbWO4) thickness of each layer",
                    "g", "active gap (liquid argon) thickness of each layer"),
            "branching", Map.of("theta", "inner radius of the material annulus"),
            "gaussian", Map.of(
                    "mu", "mean μ of the observable y = μ + σz",
                    "sigma", "spread σ of the observable y = μ + σz"));

    private PhysicsLabels() {
    }

    static String meaning(String simulator, String parameter) {
        return MEANINGS.getOrDefault(simulator, Map.of()).get(parameter);
    }

    /**
     * The meaning with the calorimeter's materials as chosen (categorical name → the most probable
     * choice), so a study that chose copper does not read "absorber (PbWO4)".
     */
    static String meaning(String simulator, String parameter, Map<String, String> chosen) {
        String meaning = meaning(simulator, parameter);
        if (meaning == null || !"calorimeter".equals(simulator)) {
            return meaning;
        }
        if (chosen.containsKey("absorber")) {
            meaning = meaning.replace("(PbWO4)", "(" + chosen.get("absorber") + ")");
        }
        if (chosen.containsKey("active")) {
            meaning = meaning.replace("(liquid argon)", "(" + chosen.get("active") + ")");
        }
        return meaning;
    }

    /** The unit of a calorimeter observable (deposits, leakage and visible energy in MeV), else null. */
    static String observableUnit(String simulator, String observable) {
        if (!"calorimeter".equals(simulator) || observable == null) {
            return null;
        }
        return observable.endsWith(".squared") ? "MeV²" : "MeV";
    }

    /**
     * The physics loss's unit: the compared observables' unit squared for a profile match,
     * dimensionless for a relative energy resolution, the loss observable's unit for an expected
     * loss; null where the simulator declares none.
     */
    static String lossUnit(String simulator, String objectiveType, String observable) {
        return switch (objectiveType == null ? "" : objectiveType) {
            case "profile-match" -> {
                String unit = observableUnit(simulator, observable);
                yield unit == null ? null : unit + "²";
            }
            case "energy-resolution" -> "1 (σ/E)";
            case "expected-loss" -> observableUnit(simulator, observable);
            default -> null;
        };
    }
}
