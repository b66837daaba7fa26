package dev.eventwire.events;

import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.StorableText;
import java.time.Instant;

/** An event that failed validation, kept with its reason and (truncated) raw body for later inspection. */
public record RejectedEvent(String tenant, Instant receivedAt, ErrorDetail error, String body) {
    public static final int MAX_BODY_CHARS = 16 * 1024;

    public RejectedEvent {
        if (body.length() > MAX_BODY_CHARS) body = body.substring(0, MAX_BODY_CHARS);
        // What was refused may hold a NUL (in the bytes, or in a field name the error repeats).
        body = StorableText.of(body);
        error = new ErrorDetail(error.code(), StorableText.of(error.message()), StorableText.of(error.field()));
    }
}
