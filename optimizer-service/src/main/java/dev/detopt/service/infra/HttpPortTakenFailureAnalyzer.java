package dev.detopt.service.infra;

import dev.detopt.service.infra.HttpPortCheck.HttpPortTakenException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says which setting picks another port, instead of a stack trace. */
public class HttpPortTakenFailureAnalyzer extends AbstractFailureAnalyzer<HttpPortTakenException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, HttpPortTakenException cause) {
        return new FailureAnalysis(cause.getMessage() + "; nothing was started.",
                "Stop the program listening on port " + cause.port() + ", or choose a free port: "
                        + "DETOPT_PORT=8081 ./run-local (or --server.port=8081 on the service's command line).",
                cause);
    }
}
