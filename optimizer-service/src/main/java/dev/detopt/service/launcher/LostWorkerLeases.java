package dev.detopt.service.launcher;

/** Hands back at once the leases of a worker its launcher saw end, rather than waiting for them to expire. */
@FunctionalInterface
public interface LostWorkerLeases {

    /** Returns how many leases were requeued. */
    int requeueLeasesOf(String worker, String reason);

    LostWorkerLeases NONE = (worker, reason) -> 0;
}
