package dev.detopt.service.metrics;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the gauges show about the database's state, implemented by the persistence layer (one
 * bean). Called every {@code detopt.metrics.state-refresh} from one thread, never per scrape.
 */
public interface MetricsStateSource {

    /** Number of tasks per state (e.g. queued, leased, done, failed), over all studies. */
    Map<String, Long> tasksByState();

    /** Studies now running, most recently active first; only the first few get gauges. */
    List<RunningStudy> runningStudies();

    /** A running study's latest step; {@code loss} is NaN before its first step is recorded. */
    record RunningStudy(UUID id, String name, long step, double loss) {
    }
}
