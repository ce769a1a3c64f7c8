package dev.detopt.service.lifecycle;

import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * One {@link StudyEngine} per study, built from its stored spec. A spec changes only when a study is
 * extended; an engine is kept with the spec text it was built from and rebuilt when the stored spec
 * differs, so every replica follows an extension. Bounded: cleared past {@link #LIMIT}.
 */
@Component
public class EngineCache {
    static final int LIMIT = 1_000;

    private record Built(String specJson, StudyEngine engine) {
    }

    private final Map<UUID, Built> engines = new ConcurrentHashMap<>();
    private final SimulatorCatalog catalog;

    public EngineCache(SimulatorCatalog catalog) {
        this.catalog = catalog;
    }

    public StudyEngine engine(UUID studyId, String specJson) {
        Built built = engines.get(studyId);
        if (built == null || !built.specJson().equals(specJson)) {
            if (engines.size() >= LIMIT) {
                engines.clear();
            }
            built = new Built(specJson, new StudyEngine(StudySpecs.fromJson(specJson, catalog), catalog,
                    Math.max(1, Runtime.getRuntime().availableProcessors())));
            engines.put(studyId, built);
        }
        return built.engine();
    }

    public void forget(UUID studyId) {
        engines.remove(studyId);
    }
}
