package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every launcher's notice of a worker's end (local exit, pod preemption or crash) hands its leases back. */
class LoggedWorkerEventsTest {

    @Test
    void preemptionsAndCrashesRequeueTheWorkersLeasesAndAFailingRequeueIsNotFatal() {
        List<String> requeued = new ArrayList<>();
        LoggedWorkerEvents events = new LoggedWorkerEvents(null, (worker, reason) -> {
            requeued.add(worker + " / " + reason);
            return 1;
        });
        events.preempted("detopt-worker-7f9c", "spot-node-3", "Evicted: node pressure");
        events.crashed("local-1", "localhost", "exit code 3", 3);
        assertThat(requeued).containsExactly("detopt-worker-7f9c / preempted: Evicted: node pressure",
                "local-1 / crashed: exit code 3");

        LoggedWorkerEvents databaseDown = new LoggedWorkerEvents(null, (worker, reason) -> {
            throw new IllegalStateException("connection refused");
        });
        databaseDown.preempted("local-0", "localhost", "killed (SIGKILL)"); // logged; the sweeper covers it later
    }
}
