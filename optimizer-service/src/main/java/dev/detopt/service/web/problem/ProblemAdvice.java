package dev.detopt.service.web.problem;

import dev.detopt.service.domain.DomainException;
import dev.detopt.service.web.ApiProblem.FieldError;
import dev.detopt.service.web.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * Every error of the API as an RFC 9457 problem document ({@link Problems}): the controllers'
 * {@link ApiProblem}s, the service's {@link DomainException}s (mapped by {@link DomainProblems}), the framework's client errors (with the offending field or parameter named)
 * and, for anything unexpected, a 500 that says nothing about the server's internals (the stack
 * trace goes to the log only).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemAdvice.class);

    private final DatabaseUnavailableProblems databaseUnavailable;

    public ProblemAdvice(DatabaseUnavailableProblems databaseUnavailable) {
        this.databaseUnavailable = databaseUnavailable;
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<Object> apiProblem(ApiProblem problem, HttpServletRequest request) {
        return respond(Problems.of(problem, request.getRequestURI()), new HttpHeaders());
    }

    @ExceptionHandler(DomainException.class)
    ResponseEntity<Object> domainProblem(DomainException refusal, HttpServletRequest request) {
        return apiProblem(DomainProblems.of(refusal), request);
    }

    @ExceptionHandler(RequestTooLargeException.class)
    ResponseEntity<Object> tooLarge(RequestTooLargeException error, HttpServletRequest request) {
        return respond(RequestSizeLimitFilter.tooLarge(error.limit(), request.getRequestURI()), closeConnection());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(ConstraintViolationException error, HttpServletRequest request) {
        List<FieldError> errors = error.getConstraintViolations().stream()
                .map(violation -> new FieldError(lastNode(violation.getPropertyPath().toString()), violation.getMessage()))
                .sorted(java.util.Comparator.comparing(FieldError::field))
                .toList();
        return respond(invalid(HttpStatus.BAD_REQUEST, errors, request.getRequestURI()), new HttpHeaders());
    }

    /** The last resort: log everything, tell the client nothing it could use against the server. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception error, HttpServletRequest request) {
        var unavailable = databaseUnavailable.answer(error, request.getRequestURI());
        if (unavailable.isPresent()) {
            return ResponseEntity.status(unavailable.get().getStatusCode()).headers(unavailable.get().getHeaders())
                    .body(unavailable.get().getBody());
        }
        LOG.error("Unhandled error on {} {}", request.getMethod(), request.getRequestURI(), error);
        return respond(Problems.ofStatus(HttpStatus.INTERNAL_SERVER_ERROR,
                "the server could not handle this request; the error is logged", request.getRequestURI()), new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String instance = path(request);
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestTooLargeException tooLarge) {
                return respond(RequestSizeLimitFilter.tooLarge(tooLarge.limit(), instance), closeConnection());
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson) {
                FieldError fieldError = JsonBodyErrors.describe(jackson);
                return respond(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                        fieldError.field() + ": " + fieldError.message(), List.of(fieldError), instance), headers);
            }
        }
        String message = error.getMessage() != null && error.getMessage().startsWith("Required request body is missing")
                ? "a JSON body is required" : "the request body could not be read";
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", message,
                JsonBodyErrors.body(message), instance), headers);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        error.getBindingResult().getFieldErrors().forEach(field -> errors.add(
                new FieldError(field.getField(), messageOf(field))));
        error.getBindingResult().getGlobalErrors().forEach(global -> errors.add(
                new FieldError(JsonBodyErrors.BODY, messageOf(global))));
        errors.sort(java.util.Comparator.comparing(FieldError::field));
        return respond(invalid(HttpStatus.UNPROCESSABLE_CONTENT, errors, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = new ArrayList<>();
        for (ParameterValidationResult result : error.getParameterValidationResults()) {
            String name = parameterName(result);
            result.getResolvableErrors().forEach(problem -> errors.add(new FieldError(name, messageOf(problem))));
        }
        HttpStatus httpStatus = error.isForReturnValue() ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_REQUEST;
        return respond(invalid(httpStatus, errors, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(org.springframework.beans.TypeMismatchException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = error instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName()
                : error.getPropertyName() != null ? error.getPropertyName() : "parameter";
        String message = "'" + JsonBodyErrors.shorten(String.valueOf(error.getValue())) + "' is not "
                + JsonBodyErrors.expected(error.getRequiredType());
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", name + ": " + message,
                List.of(new FieldError(name, message)), path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String message = "required " + error.getParameterType().toLowerCase(java.util.Locale.ROOT) + " parameter is missing";
        return respond(Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                error.getParameterName() + ": " + message,
                List.of(new FieldError(error.getParameterName(), message)), path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String allowed = error.getSupportedHttpMethods() == null ? "" : "; allowed: " + String.join(", ",
                error.getSupportedHttpMethods().stream().map(Object::toString).sorted().toList());
        return respond(Problems.ofStatus(HttpStatus.METHOD_NOT_ALLOWED,
                error.getMethod() + " is not supported on " + path(request) + allowed, path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String given = error.getContentType() == null ? "no content type" : "content type " + error.getContentType();
        String message = given + " is not supported; use "
                + String.join(", ", error.getSupportedMediaTypes().stream().map(Object::toString).toList());
        return respond(Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
                message, List.of(new FieldError("Content-Type", message)), path(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(NoHandlerFoundException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return notFound(error.getHttpMethod(), headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException error,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return notFound(error.getHttpMethod().name(), headers, request);
    }

    /** Every other framework exception: its status and a generic detail, in our document shape. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception error, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getProperties() != null
                && problem.getProperties().containsKey("errors")) {
            return super.handleExceptionInternal(error, body, headers, status, request);
        }
        String detail = body instanceof ProblemDetail problem && problem.getDetail() != null && status.is4xxClientError()
                ? problem.getDetail() : Problems.titleOf(status);
        if (status.is5xxServerError()) {
            LOG.error("Error on {}", path(request), error);
        }
        return respond(Problems.ofStatus(status, detail, path(request)), headers);
    }

    private ResponseEntity<Object> notFound(String method, HttpHeaders headers, WebRequest request) {
        return respond(Problems.ofStatus(HttpStatus.NOT_FOUND, "no resource at " + method + " " + path(request),
                path(request)), headers);
    }

    private static ProblemDetail invalid(HttpStatus status, List<FieldError> errors, String instance) {
        String detail = errors.size() == 1 ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : errors.size() + " fields are invalid";
        return Problems.of(status, status == HttpStatus.UNPROCESSABLE_CONTENT ? "invalid" : "bad-request",
                status == HttpStatus.UNPROCESSABLE_CONTENT ? "Invalid request" : "Bad request", detail, errors, instance);
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem, HttpHeaders headers) {
        HttpHeaders responseHeaders = new HttpHeaders();
        responseHeaders.addAll(headers);
        responseHeaders.setContentType(Problems.MEDIA_TYPE);
        // Written as an ordered map so that every problem reads type, title, status, detail,
        // instance, errors, as the security filters write it too.
        return ResponseEntity.status(problem.getStatus()).headers(responseHeaders).body(Problems.asMap(problem));
    }

    private static HttpHeaders closeConnection() {
        HttpHeaders headers = new HttpHeaders();
        headers.setConnection("close");
        return headers;
    }

    private static String path(WebRequest request) {
        if (request instanceof NativeWebRequest nativeRequest
                && nativeRequest.getNativeRequest() instanceof HttpServletRequest servletRequest) {
            return servletRequest.getRequestURI();
        }
        return null;
    }

    private static String parameterName(ParameterValidationResult result) {
        var parameter = result.getMethodParameter();
        var requestParam = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestParam.class);
        if (requestParam != null && !requestParam.name().isEmpty()) {
            return requestParam.name();
        }
        var pathVariable = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class);
        if (pathVariable != null && !pathVariable.name().isEmpty()) {
            return pathVariable.name();
        }
        return parameter.getParameterName() != null ? parameter.getParameterName() : "parameter";
    }

    private static String messageOf(MessageSourceResolvable error) {
        return error.getDefaultMessage() != null ? error.getDefaultMessage() : "invalid";
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
