package dev.eventwire.support;

/** A 429 that knows when the request would fit: {@code retryAfterSeconds} (at least 1) is sent as Retry-After. */
public final class RateLimitedException extends ApiException {
    private final long retryAfterSeconds;

    public RateLimitedException(String message, long retryAfterSeconds) {
        super(429, "rate_limited", message, null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public java.util.Optional<Long> retryAfterSeconds() {
        return java.util.Optional.of(retryAfterSeconds);
    }
}
