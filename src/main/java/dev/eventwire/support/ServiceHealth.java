package dev.eventwire.support;

/** What {@code /health} reports: serving normally, serving with a background job failing, or not serving. */
public sealed interface ServiceHealth {
    record Ok() implements ServiceHealth {
    }

    /** Requests are served; a background job (such as metric rollups) keeps failing and is retried. */
    record Degraded(String reason) implements ServiceHealth {
    }

    /** Writes cannot be served; the reason says why. */
    record Unavailable(String reason) implements ServiceHealth {
    }
}
