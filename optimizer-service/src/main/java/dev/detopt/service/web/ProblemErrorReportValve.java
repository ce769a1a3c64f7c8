package dev.detopt.service.web;

import dev.detopt.service.web.problem.Problems;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatusCode;

/**
 * Tomcat's error report for requests it refuses itself, before any servlet runs (an encoded NUL
 * {@code %00} in the path, a malformed URI): an RFC 9457 problem document instead of Tomcat's HTML
 * page, like every other refusal of the API. Errors that reach Spring are answered there.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        String json = "{\"type\":\"" + Problems.TYPE_BASE + Problems.typeOf(code) + "\",\"title\":\""
                + Problems.titleOf(code) + "\",\"status\":" + status
                + ",\"detail\":\"the server refused the request before it reached the API (for example an encoded NUL"
                + " or a malformed escape in the path)\",\"errors\":[]}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response is committed: nothing more to say.
        }
    }
}
