package dev.detopt.model.study.contract.protocol;

import java.util.List;

/** The answers of a bulk completion, in request order. */
public record BulkCompleteResponse(List<BulkCompleteAnswer> results) {
}
