package io.masthead.platform.web;

import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure of a request, wherever it arises, into an RFC 9457 problem: never a stack
 * trace, never an HTML page, and never a 500 for bad input. Runs before Boot's default handler.
 */
@Order(-2)
public class ProblemWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);

    private final long maxRequestBody;

    public ProblemWebExceptionHandler() {
        this(new WebProperties(org.springframework.util.unit.DataSize.ofMegabytes(1)).maxRequestBody().toBytes());
    }

    /** @param maxRequestBody the limit named when a body over it is refused ({@code masthead.web.max-request-body}) */
    public ProblemWebExceptionHandler(long maxRequestBody) {
        this.maxRequestBody = maxRequestBody;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        String instance = exchange.getRequest().getPath().value();
        if (findCause(ex, DataBufferLimitException.class) != null) {
            // a body over the limit, wherever it was read (codec, idempotency filter, RequestBodyLimit)
            return RequestBodyLimit.tooLarge(exchange, maxRequestBody);
        }
        return switch (ex) {
            case ProblemException p -> {
                if (p.retryAfter() != null) {
                    long seconds = Math.max(1, (p.retryAfter().toMillis() + 999) / 1000);
                    exchange.getResponse().getHeaders().set(org.springframework.http.HttpHeaders.RETRY_AFTER,
                            Long.toString(seconds));
                }
                yield Problems.write(exchange.getResponse(), p.status(), p.type(), p.title(), p.getMessage(), instance,
                        p.errors());
            }
            case ValidationException v -> Problems.write(exchange.getResponse(), HttpStatus.UNPROCESSABLE_CONTENT,
                    "invalid-request", "Invalid request", "One or more fields are invalid", instance, v.violations());
            case WebExchangeBindException b -> Problems.write(exchange.getResponse(), HttpStatus.UNPROCESSABLE_CONTENT,
                    "invalid-request", "Invalid request", "One or more fields are invalid", instance, bindViolations(b));
            case ServerWebInputException in -> inputProblem(exchange, in, instance);
            case AuthenticationException a -> Problems.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED,
                    "unauthorized", "Unauthorized", "Missing or invalid credentials", instance, List.of());
            case AccessDeniedException d -> Problems.write(exchange.getResponse(), HttpStatus.FORBIDDEN,
                    "forbidden", "Forbidden", "Not allowed for this caller", instance, List.of());
            case DataIntegrityViolationException d -> {
                log.warn("Integrity violation not mapped to a field on {}: {}", instance, d.getMessage());
                yield Problems.write(exchange.getResponse(), HttpStatus.CONFLICT, "conflict", "Conflict",
                        "The request conflicts with existing data", instance, List.of());
            }
            case ResponseStatusException r -> Problems.write(exchange.getResponse(), r.getStatusCode(),
                    slug(r.getStatusCode()), title(r.getStatusCode()), r.getReason(), instance, List.of());
            default -> {
                log.error("Unhandled failure on {} {}", exchange.getRequest().getMethod(), instance, ex);
                yield Problems.write(exchange.getResponse(), HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                        "Internal error", "Something went wrong on our side", instance, List.of());
            }
        };
    }

    private Mono<Void> inputProblem(ServerWebExchange exchange, ServerWebInputException in, String instance) {
        List<Violation> errors = new ArrayList<>();
        String detail = in.getReason();
        JacksonException json = findCause(in, JacksonException.class);
        if (json instanceof InvalidTextException text) {
            return Problems.write(exchange.getResponse(), HttpStatus.UNPROCESSABLE_CONTENT, "invalid-request",
                    "Invalid request", "One or more fields are invalid", instance,
                    List.of(new Violation(text.field(), text.reason())));
        }
        if (json instanceof UnrecognizedPropertyException unknown) {
            errors.add(new Violation(path(unknown), "is not a known field"));
            detail = "Unknown field '" + path(unknown) + "'";
        } else if (json instanceof InvalidFormatException || json instanceof MismatchedInputException) {
            String field = path(json);
            errors.add(new Violation(field.isEmpty() ? "body" : field, "has the wrong type or format"));
            detail = field.isEmpty() ? "The body has the wrong shape" : "Field '" + field + "' has the wrong type";
        } else if (json != null || findCause(in, org.springframework.core.codec.DecodingException.class) != null) {
            errors.add(new Violation("body", "is not valid JSON"));
            detail = "Malformed JSON";
        } else if (in instanceof MissingRequestValueException missing) {
            errors.add(new Violation(missing.getName(), "is required"));
        } else if (in.getMethodParameter() != null && in.getMethodParameter().getParameterName() != null) {
            errors.add(new Violation(in.getMethodParameter().getParameterName(), "is invalid"));
        }
        if (detail == null || detail.isBlank()) {
            detail = "The request could not be read";
        }
        return Problems.write(exchange.getResponse(), HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                detail, instance, errors);
    }

    private static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static List<Violation> bindViolations(WebExchangeBindException b) {
        List<Violation> list = new ArrayList<>();
        for (FieldError fe : b.getFieldErrors()) {
            list.add(new Violation(snake(fe.getField()), fe.getDefaultMessage()));
        }
        b.getGlobalErrors().forEach(ge -> list.add(new Violation(ge.getObjectName(), ge.getDefaultMessage())));
        return list;
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static <T extends Throwable> T findCause(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String slug(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "error" : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String title(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
