package dev.detopt.service.storage;

import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.storage.ObjectStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes checkpoints that no attempt can need any more: those of steps a study has finished, of
 * studies that ended and of studies that no longer exist. Workers delete a batch's checkpoints
 * when its result is accepted, but a deletion that fails (the store is down) or an upload that
 * lands late leaves objects behind, and neither the embedded store nor S3Proxy has lifecycle
 * rules. Every replica may sweep; deleting twice is harmless.
 */
@Component
public class FinishedStepCheckpointSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(FinishedStepCheckpointSweeper.class);
    static final String PREFIX = "studies/";
    /** {@code studies/<study>/steps/<step>/…}, the layout of {@code CheckpointKeys}. */
    private static final Pattern KEY = Pattern.compile("^studies/([^/]+)/steps/(\\d+)/.+");

    private final ObjectStore objectStore;
    private final StudyRepository studies;
    private final boolean enabled;

    public FinishedStepCheckpointSweeper(ObjectStore objectStore, StudyRepository studies,
            @Value("${detopt.checkpoints.sweep-enabled:true}") boolean enabled) {
        this.objectStore = objectStore;
        this.studies = studies;
        this.enabled = enabled;
    }

    @Scheduled(fixedDelayString = "${detopt.checkpoints.sweep-interval:10m}",
            initialDelayString = "${detopt.checkpoints.sweep-interval:10m}")
    void sweepOnSchedule() {
        if (!enabled) {
            return;
        }
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Sweeping finished checkpoints failed ({}); the next sweep tries again", e.getMessage());
        }
    }

    /** One pass over the bucket; returns how many objects it deleted. */
    public int sweep() {
        Map<String, List<Checkpoint>> byStudy = new LinkedHashMap<>();
        for (String key : objectStore.list(PREFIX)) {
            Matcher matcher = KEY.matcher(key);
            if (matcher.matches()) {
                try {
                    byStudy.computeIfAbsent(matcher.group(1), id -> new ArrayList<>())
                            .add(new Checkpoint(key, Integer.parseInt(matcher.group(2))));
                } catch (NumberFormatException tooLarge) {
                    // not a step number of ours: leave it alone
                }
            }
        }
        int deleted = 0;
        for (Map.Entry<String, List<Checkpoint>> study : byStudy.entrySet()) {
            Optional<UUID> id = uuid(study.getKey());
            if (id.isEmpty()) {
                continue;
            }
            Optional<StudyRow> row = studies.find(id.get());
            for (Checkpoint checkpoint : study.getValue()) {
                if (orphaned(row, checkpoint.step())) {
                    objectStore.delete(checkpoint.key());
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("Deleted {} checkpoint(s) of finished steps", deleted);
        }
        return deleted;
    }

    /** Gone, ended, or an earlier step than the one the study runs now. */
    static boolean orphaned(Optional<StudyRow> study, int step) {
        return study.isEmpty() || study.get().status().terminal() || step < study.get().step();
    }

    private static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private record Checkpoint(String key, int step) {
    }
}
