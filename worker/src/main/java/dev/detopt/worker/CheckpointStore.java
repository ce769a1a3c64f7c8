package dev.detopt.worker;

import dev.detopt.model.study.contract.protocol.CheckpointKeys;
import dev.detopt.model.sim.BatchRunner;
import dev.detopt.model.study.contract.BatchCheckpoint;
import dev.detopt.model.study.contract.BatchTask;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Batch checkpoints in object storage. An object is a small JSON envelope
 * <pre>{ "format": "detopt-checkpoint", "sha256": "…", "checkpoint": { BatchCheckpoint } }</pre>
 * where {@code sha256} is the SHA-256 (hex) of the checkpoint written by the shared
 * {@link WireJson} mapper. Reading parses the checkpoint, writes it again and compares digests,
 * so any change to its content (a flipped digit in an exact sum, a truncated upload) is detected;
 * formatting-only changes are harmless and pass. One object per lease attempt
 * ({@code studies/<id>/steps/<k>/batches/<b>/attempt-<n>.json}), overwritten by each newer
 * checkpoint of that attempt: an S3 PUT replaces the object atomically, so readers see the old or
 * the new checkpoint, never a mixture.
 *
 * <p>Reading a bad checkpoint never fails: a missing, corrupt or foreign checkpoint is logged and
 * reported as absent, so the batch restarts from its first event instead of producing a wrong
 * result. A store that does not answer is different: {@link StoreUnavailableException}, so the
 * caller can wait for it rather than throw away the progress the checkpoint holds.
 */
public final class CheckpointStore {
    static final String FORMAT = "detopt-checkpoint";
    private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());

    private final ObjectStore store;

    public CheckpointStore(ObjectStore store) {
        this.store = store;
    }

    /** The object store could not be asked (unreachable, refusing, failing): the checkpoint may well be fine. */
    public static final class StoreUnavailableException extends RuntimeException {
        StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What was stored: where, its digest and the event it resumes at. */
    public record Written(String key, String sha256, long nextEvent) {
    }

    public static String batchPrefix(BatchTask task) {
        return CheckpointKeys.batchPrefix(task.coordinates());
    }

    public static String key(BatchTask task, int attempt) {
        return CheckpointKeys.attempt(task.studyId(), task.step(), task.batchIndex(), attempt);
    }

    /** Encodes and uploads; throws {@link dev.detopt.storage.ObjectStoreException} when the store fails. */
    public Written write(String key, BatchCheckpoint checkpoint) {
        String body = WireJson.write(checkpoint);
        String sha256 = sha256(body);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("format", FORMAT);
        envelope.put("sha256", sha256);
        envelope.put("checkpoint", WireJson.mapper().readTree(body));
        store.put(key, WireJson.write(envelope).getBytes(StandardCharsets.UTF_8), "application/json");
        return new Written(key, sha256, checkpoint.nextEvent());
    }

    /**
     * The progress stored under {@code key} if it is intact and belongs to {@code task}; empty
     * (with the reason logged) otherwise.
     *
     * @throws StoreUnavailableException when the store itself fails, so that nothing is known about the checkpoint
     */
    public Optional<BatchRunner.Progress> read(String key, BatchTask task) {
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        Optional<byte[]> bytes;
        try {
            bytes = store.get(key);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("reading checkpoint " + key + ": " + e.getMessage(), e);
        }
        try {
            if (bytes.isEmpty()) {
                return rejected(key, "no object under this key");
            }
            JsonNode envelope = WireJson.mapper().readTree(new String(bytes.get(), StandardCharsets.UTF_8));
            if (!FORMAT.equals(envelope.path("format").asString(null))) {
                return rejected(key, "not a " + FORMAT + " document");
            }
            BatchCheckpoint checkpoint = WireJson.mapper().treeToValue(envelope.get("checkpoint"), BatchCheckpoint.class);
            String expected = envelope.path("sha256").asString("");
            String actual = sha256(WireJson.write(checkpoint));
            if (!actual.equals(expected)) {
                return rejected(key, "SHA-256 mismatch (stored " + expected + ", content " + actual + ")");
            }
            if (!checkpoint.belongsTo(task)) {
                return rejected(key, "it belongs to study " + checkpoint.studyId() + " step " + checkpoint.step()
                        + " batch " + checkpoint.batchIndex() + " [" + checkpoint.eventFrom() + ", " + checkpoint.eventTo()
                        + "), not to this task");
            }
            LOG.log(System.Logger.Level.INFO, "resuming " + key + " at event " + checkpoint.nextEvent() + " of ["
                    + task.eventFrom() + ", " + task.eventTo() + ")");
            return Optional.of(checkpoint.progress());
        } catch (RuntimeException e) {
            return rejected(key, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Deletes every checkpoint of the task's batch (all attempts). */
    public int deleteBatch(BatchTask task) {
        int deleted = 0;
        for (String key : store.list(batchPrefix(task))) {
            store.delete(key);
            deleted++;
        }
        return deleted;
    }

    private static Optional<BatchRunner.Progress> rejected(String key, String reason) {
        LOG.log(System.Logger.Level.WARNING, "ignoring checkpoint " + key + ": " + reason
                + "; the batch restarts from its first event");
        return Optional.empty();
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
