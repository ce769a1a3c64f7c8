package dev.detopt.model.study.contract.protocol;

/** An accepted result; {@code stepCompleted}: it was the step's last, and the step advanced. */
public record CompleteResponse(boolean accepted, boolean stepCompleted) {
}
