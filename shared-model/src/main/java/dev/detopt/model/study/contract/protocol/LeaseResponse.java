package dev.detopt.model.study.contract.protocol;

import java.util.List;

/** The answer to a lease request: the tasks granted (empty when none came within the wait). */
public record LeaseResponse(List<LeaseGrant> tasks) {
}
