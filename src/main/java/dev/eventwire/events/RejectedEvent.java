package dev.eventwire.events;

import dev.eventwire.support.ErrorDetail;
import java.time.Instant;

/** An event that failed validation, kept with its reason and (truncated) raw body for later inspection. */
public record RejectedEvent(String tenant, Instant receivedAt, ErrorDetail error, String body) {
    public static final int MAX_BODY_CHARS = 16 * 1024;

    public RejectedEvent {
        if (body.length() > MAX_BODY_CHARS) body = body.substring(0, MAX_BODY_CHARS);
        // What was refused may hold a NUL (in the bytes, or in a field name the error repeats), which a
        // PostgreSQL text column cannot store: it is kept as U+FFFD, as undecodable bytes already are.
        body = storable(body);
        error = new ErrorDetail(error.code(), storable(error.message()), error.field() == null ? null : storable(error.field()));
    }

    private static String storable(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }
}
