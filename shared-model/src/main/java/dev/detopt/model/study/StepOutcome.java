package dev.detopt.model.study;

/**
 * The result of completing a step: its record, the state to continue from, and why the study
 * stopped (null if it continues; then also {@code next.stopReason()} is null).
 */
public record StepOutcome(StepRecord record, StudyState next, StopReason stopReason) {
}
