package dev.eventwire.support;

import java.util.Optional;

/**
 * A failure that a client caused or must know about, with the HTTP status and the error code
 * (docs/api-choices.md). Services throw it; the HTTP layer renders it.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;
    private final Integer queued;

    public ApiException(int status, String code, String message, String field) {
        this(status, code, message, field, null);
    }

    private ApiException(int status, String code, String message, String field, Integer queued) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.queued = queued;
    }

    /** A refusal that comes after part of the work was done: the answer says how many deliveries were queued. */
    public static ApiException afterQueueing(int status, String code, String message, int queued) {
        return new ApiException(status, code, message, null, queued);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found", null);
    }

    public static ApiException invalid(String code, String message, String field) {
        return new ApiException(422, code, message, field);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /**
     * The seconds a client should wait before asking again, sent as Retry-After: one for a refusal that
     * passes by itself (429, 503, a conflicting change under way), none for the others.
     */
    public Optional<Long> retryAfterSeconds() {
        return status == 429 || status == 503 || "conflict".equals(code) ? Optional.of(1L) : Optional.empty();
    }

    public ErrorDetail detail() {
        return new ErrorDetail(code, getMessage(), field, queued);
    }
}
