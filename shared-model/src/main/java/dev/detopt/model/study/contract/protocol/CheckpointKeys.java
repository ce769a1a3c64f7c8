package dev.detopt.model.study.contract.protocol;

import dev.detopt.model.study.contract.BatchCoordinates;

/**
 * The object-key layout of checkpoints, {@code studies/<study>/steps/<step>/batches/<batch>/attempt-<n>.json}:
 * the service assigns an attempt's key with it, the worker falls back to it, and deletes a batch's
 * checkpoints by its prefix.
 */
public final class CheckpointKeys {
    private CheckpointKeys() {
    }

    /** Where attempt {@code attempt} of the batch writes its checkpoints. */
    public static String attempt(String studyId, int step, int batchIndex, int attempt) {
        return batchPrefix(studyId, step, batchIndex) + "attempt-" + attempt + ".json";
    }

    /** The prefix under which every attempt of the batch writes. */
    public static String batchPrefix(String studyId, int step, int batchIndex) {
        return "studies/" + studyId + "/steps/" + step + "/batches/" + batchIndex + "/";
    }

    public static String batchPrefix(BatchCoordinates batch) {
        return batchPrefix(batch.studyId(), batch.step(), batch.batchIndex());
    }
}
