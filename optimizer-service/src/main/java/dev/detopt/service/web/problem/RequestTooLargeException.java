package dev.detopt.service.web.problem;

import java.io.IOException;

/** Thrown while reading a body (sent without Content-Length) that grows past the configured limit. */
public class RequestTooLargeException extends IOException {

    private final long limit;

    public RequestTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
