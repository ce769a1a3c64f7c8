package dev.detopt.service.study;

import dev.detopt.model.study.ParseResult;
import dev.detopt.model.study.StudySpec;
import dev.detopt.model.study.StudySpecs;
import dev.detopt.model.study.catalog.SimulatorCatalog;
import dev.detopt.service.domain.InvalidInputException;
import dev.detopt.service.domain.MalformedJsonException;
import dev.detopt.service.domain.NotFoundException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating, reading and deleting studies (the lifecycle transitions are in the optimization loop). */
@Service
public class StudyService {
    private final StudyRepository studies;
    private final StudyEventLog events;
    private final SimulatorCatalog catalog;
    private final StudyArtifacts artifacts;

    public StudyService(StudyRepository studies, StudyEventLog events, SimulatorCatalog catalog, StudyArtifacts artifacts) {
        this.studies = studies;
        this.events = events;
        this.catalog = catalog;
        this.artifacts = artifacts;
    }

    /** Validates the spec (every problem reported at once, 422) and stores it normalised. */
    @Transactional
    public StudyRow create(String specJson, String owner) {
        ParseResult parsed = StudySpecs.parse(specJson, catalog);
        if (parsed.malformedJson()) {
            throw new MalformedJsonException(parsed.problems().getFirst());
        }
        if (!parsed.isValid()) {
            throw new InvalidInputException(parsed.problems());
        }
        StudySpec spec = parsed.spec();
        UUID id = UUID.randomUUID();
        studies.insert(id, spec.name(), owner, StudySpecs.toJson(spec), spec.simulator().name(),
                spec.estimator().kind().wireName(), spec.maxSteps());
        events.append(id, StudyEventType.STATUS, "created by " + owner);
        return studies.find(id).orElseThrow();
    }

    public StudyRow get(UUID id) {
        return studies.find(id).orElseThrow(() -> NotFoundException.study(id));
    }

    /** Distinct workers holding a current lease on one of the study's tasks. */
    public int activeWorkers(UUID id) {
        return studies.activeWorkers(id);
    }

    /** Deletes a study that is not running (409 otherwise), with its steps, tasks, log and snapshots. */
    @Transactional
    public void delete(UUID id) {
        StudyRow study = studies.lock(id).orElseThrow(() -> NotFoundException.study(id));
        StudyTransition.DELETE.require(study.status());
        studies.delete(id);
        StudyArtifacts.afterCommit(() -> artifacts.deleteAll(id));
    }
}
