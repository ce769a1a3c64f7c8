package dev.detopt.service.lifecycle;

import dev.detopt.model.study.StudyEngine;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * One {@link StudyEngine} per study, built from its stored spec (specs never change after
 * creation, engines are immutable). Bounded: cleared when it grows past {@link #LIMIT}.
 */
@Component
public class EngineCache {
    static final int LIMIT = 1_000;

    private final Map<UUID, StudyEngine> engines = new ConcurrentHashMap<>();
    private final SimulatorCatalog catalog;

    public EngineCache(SimulatorCatalog catalog) {
        this.catalog = catalog;
    }

    public StudyEngine engine(UUID studyId, String specJson) {
        StudyEngine engine = engines.get(studyId);
        if (engine == null) {
            if (engines.size() >= LIMIT) {
                engines.clear();
            }
            engine = new StudyEngine(StudySpecs.fromJson(specJson, catalog), catalog,
                    Math.max(1, Runtime.getRuntime().availableProcessors()));
            engines.put(studyId, engine);
        }
        return engine;
    }

    public void forget(UUID studyId) {
        engines.remove(studyId);
    }
}
