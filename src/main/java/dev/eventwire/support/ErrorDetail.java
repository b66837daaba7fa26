package dev.eventwire.support;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The inner object of the error body; {@code field} is null when the error is not about one field.
 * {@code queued} is set only where a refusal comes after part of the work was done (a replay stopped
 * midway by its webhook's deactivation): how many deliveries it had queued, for a client to act on without
 * reading the message.
 */
public record ErrorDetail(String code, String message, String field, @JsonInclude(JsonInclude.Include.NON_NULL) Integer queued) {
    public ErrorDetail(String code, String message, String field) {
        this(code, message, field, null);
    }
}
