package dev.eventwire.delivery;

import java.time.Duration;
import java.util.Optional;

/** What one HTTP attempt came to. */
public sealed interface AttemptResult {
    long durationMillis();

    /** The first KiB of what the receiver answered ("" without an answer). */
    String responseBody();

    /** The HTTP status, when the receiver answered at all. */
    default Optional<Integer> status() {
        return switch (this) {
            case Delivered d -> Optional.of(d.statusCode());
            case Gone g -> Optional.of(g.statusCode());
            case Throttled t -> Optional.of(t.statusCode());
            case Failed f -> f.statusCode();
        };
    }

    /** 2xx. */
    record Delivered(int statusCode, String responseBody, long durationMillis) implements AttemptResult {
    }

    /** 410: the receiver asks us to stop; the webhook is disabled. */
    record Gone(int statusCode, String responseBody, long durationMillis) implements AttemptResult {
    }

    /** 429 or 503 with Retry-After. */
    record Throttled(int statusCode, String responseBody, Duration retryAfter, long durationMillis) implements AttemptResult {
    }

    /** Any other status (incl. 3xx), or no response at all (timeout, connection, TLS, egress guard). */
    record Failed(Optional<Integer> statusCode, String error, String responseBody, long durationMillis) implements AttemptResult {
    }
}
