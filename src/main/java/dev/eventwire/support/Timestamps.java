package dev.eventwire.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Timestamps a client may send (RFC 3339 with an offset) and the range the service accepts:
 * from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z. Anything outside is refused with 422 rather than
 * overflowing a microsecond count somewhere below.
 */
public final class Timestamps {
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Timestamps() {
    }

    /** The instant, or empty when the text is not RFC 3339 with an offset. */
    public static Optional<Instant> parse(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static boolean inRange(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    /** Parses a query or body parameter, or throws 422 naming it. */
    public static Instant parameter(String name, String text) {
        Instant at = parse(text).orElseThrow(() -> ApiException.invalid("invalid_format",
                name + " must be an RFC 3339 timestamp with an offset, such as 2026-01-31T12:00:00Z.", name));
        if (!inRange(at)) {
            throw ApiException.invalid("out_of_range", name + " must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z.", name);
        }
        return at;
    }
}
