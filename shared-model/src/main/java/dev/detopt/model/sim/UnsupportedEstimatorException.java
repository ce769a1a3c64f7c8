package dev.detopt.model.sim;

/** The estimator cannot be applied to the simulator (it would silently return wrong gradients). */
public final class UnsupportedEstimatorException extends IllegalArgumentException {
    public UnsupportedEstimatorException(Simulator simulator, EstimatorKind kind) {
        super("estimator '" + kind.wireName() + "' does not apply to simulator '" + simulator.name()
                + "'; supported: " + simulator.supportedEstimators());
    }

    public UnsupportedEstimatorException(String message) {
        super(message);
    }
}
