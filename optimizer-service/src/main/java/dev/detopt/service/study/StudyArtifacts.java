package dev.detopt.service.study;

import dev.detopt.model.study.StepRecord;
import dev.detopt.model.study.StudyState;
import dev.detopt.model.study.contract.WireJson;
import dev.detopt.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Per-step JSON snapshots of a study in the object store, at {@code artifacts/<study>/step-<k>.json}:
 * outside {@code studies/}, the prefix of batch checkpoints that their cleanup and the bucket's
 * lifecycle rule expire, so snapshots stay until the study is deleted.
 */
@Component
public class StudyArtifacts {
    /** The top-level prefix of every study's snapshots. */
    public static final String PREFIX = "artifacts/";
    private static final Pattern NAME = Pattern.compile("step-(\\d{1,10})\\.json");
    private static final Logger log = LoggerFactory.getLogger(StudyArtifacts.class);

    /** One stored snapshot's name ({@code step-<k>.json}) and step. */
    public record Artifact(String name, int step) {
    }

    /**
     * A snapshot: the step's record (θ simulated, observables, loss, gradient), and the study's state
     * after the step (θ after the update, optimizer state).
     */
    public record Snapshot(int version, UUID studyId, int step, boolean last, StepRecord record, StudyState stateAfter) {
        public static final int VERSION = 1;
    }

    private final ObjectStore store;

    public StudyArtifacts(ObjectStore store) {
        this.store = store;
    }

    /** Whether a step gets a snapshot: every {@code every} steps (counting from step 0) and the last one. */
    public static boolean due(int step, int every, boolean last) {
        return last || (step + 1) % every == 0;
    }

    public static String key(UUID studyId, int step) {
        return PREFIX + studyId + "/step-" + step + ".json";
    }

    /**
     * Stores a snapshot. A failure is logged, not thrown: the step's result is in PostgreSQL
     * whatever happens to its copy, and a snapshot is never the only record of anything.
     */
    public boolean write(Snapshot snapshot) {
        try {
            store.put(key(snapshot.studyId(), snapshot.step()), WireJson.write(snapshot).getBytes(StandardCharsets.UTF_8),
                    "application/json");
            return true;
        } catch (RuntimeException e) {
            log.warn("Snapshot of study {} step {} could not be stored", snapshot.studyId(), snapshot.step(), e);
            return false;
        }
    }

    /** The study's snapshots in step order. */
    public List<Artifact> list(UUID studyId) {
        String prefix = PREFIX + studyId + "/";
        return store.list(prefix).stream()
                .map(key -> NAME.matcher(key.substring(prefix.length())))
                .filter(Matcher::matches)
                .map(m -> new Artifact(m.group(), Integer.parseInt(m.group(1))))
                .sorted(Comparator.comparingInt(Artifact::step))
                .toList();
    }

    /** A snapshot's bytes by its listed name; empty for any other name. */
    public Optional<byte[]> read(UUID studyId, String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return store.get(PREFIX + studyId + "/" + name);
    }

    /** Deletes every snapshot of the study (when the study is deleted); a failure is logged. */
    public void deleteAll(UUID studyId) {
        try {
            for (String key : store.list(PREFIX + studyId + "/")) {
                store.delete(key);
            }
        } catch (RuntimeException e) {
            log.warn("Snapshots of deleted study {} could not be removed", studyId, e);
        }
    }

    /**
     * Runs the object-store work after the surrounding transaction commits (at once without one),
     * so a rolled-back step or deletion leaves the store as it was.
     */
    public static void afterCommit(Runnable work) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    work.run();
                }
            });
        } else {
            work.run();
        }
    }
}
