package dev.eventwire.observability;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A reading from the store taken at most once per {@code maxAge}, however often it is scraped, so a
 * scraper (or several) cannot turn into a query load. While a read fails it is empty (the gauges show
 * NaN, unknown), not the last value: replicas cut off from their database each kept reporting a
 * different frozen count, which a dashboard took for the backlog.
 */
final class RecentReading<T> {
    private final Supplier<T> source;
    private final long maxAgeNanos;
    private Optional<T> value = Optional.empty();
    private long readAt;
    private boolean read;

    RecentReading(Supplier<T> source, Duration maxAge) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
    }

    synchronized Optional<T> get() {
        long now = System.nanoTime();
        if (read && now - readAt < maxAgeNanos) return value;
        readAt = now;
        read = true;
        try {
            value = Optional.of(source.get());
        } catch (RuntimeException e) {
            value = Optional.empty(); // the scrape itself still succeeds
        }
        return value;
    }
}
