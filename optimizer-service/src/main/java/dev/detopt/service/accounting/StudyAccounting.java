package dev.detopt.service.accounting;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a study's work cost (or a group of studies': {@link #plus}): CPU seconds of all attempts
 * (running ones as of their last heartbeat), the part lost (work after an attempt's newest
 * checkpoint when it ended without a result, redone by a later attempt), preemptions, lease expiries
 * and reported failures, and, when prices are configured, the estimated cost and what the same CPU
 * time would have cost on demand.
 *
 * @param cpuSeconds         CPU seconds of every attempt, lost work included
 * @param cpuSecondsLost     CPU seconds of work redone after preemptions, expiries and failures
 * @param spotCpuSeconds     the part of cpuSeconds on spot nodes
 * @param preemptions        attempts handed back after a preemption
 * @param leaseExpiries      leases that expired or whose worker was seen to end
 * @param failures           attempts reported as failed
 * @param coreHours          cpuSeconds / 3600
 * @param estimatedCost      cost at the configured prices (null when none are configured)
 * @param onDemandCost       the same CPU time at the on-demand price (null when none is configured)
 * @param currency           unit of the costs (null when none are configured)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyAccounting(double cpuSeconds, double cpuSecondsLost, double spotCpuSeconds, long preemptions,
                              long leaseExpiries, long failures, double coreHours, Double estimatedCost,
                              Double onDemandCost, String currency) {

    public static final StudyAccounting ZERO = new StudyAccounting(0, 0, 0, 0, 0, 0, 0, null, null, null);

    /** The sum of two accounts (a group's total); costs are summed when both have them. */
    public StudyAccounting plus(StudyAccounting other) {
        return new StudyAccounting(cpuSeconds + other.cpuSeconds, cpuSecondsLost + other.cpuSecondsLost,
                spotCpuSeconds + other.spotCpuSeconds, preemptions + other.preemptions,
                leaseExpiries + other.leaseExpiries, failures + other.failures, coreHours + other.coreHours,
                sum(estimatedCost, other.estimatedCost), sum(onDemandCost, other.onDemandCost),
                currency != null ? currency : other.currency);
    }

    private static Double sum(Double a, Double b) {
        return a == null ? b : b == null ? a : a + b;
    }
}
