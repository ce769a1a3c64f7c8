package dev.detopt.service.study;

/** Kinds of entries in a study's event log; {@link #wireName()} is what the API and the database show. */
public enum StudyEventType {
    /** The study was created, or its status changed. */
    STATUS("status"),
    /** A lease ran out without a heartbeat and its task was requeued. */
    LEASE_EXPIRED("lease-expired"),
    /** A worker handed its task back because it was preempted. */
    PREEMPTED("preempted"),
    /** A worker handed its task back at shutdown, or its lease could not be delivered. */
    RELEASED("released"),
    /** A worker reported that its attempt failed. */
    TASK_FAILED("task-failed"),
    /** Something went wrong on the service's side. */
    ERROR("error"),
    /** The service was down (found at the next start): leases ran out meanwhile. */
    SERVICE_OUTAGE("service-outage"),
    /** A webhook notice was delivered, or a delivery attempt failed. */
    NOTIFICATION("notification"),
    // Campaigns (issue 18):
    /** The study was created as a fork of another study's step. */
    FORKED("forked"),
    /** A step or event limit was raised (extend); the study continues. */
    EXTENDED("extended"),
    /** The study's description or tags changed. */
    NOTES("notes");

    private final String wireName;

    StudyEventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
