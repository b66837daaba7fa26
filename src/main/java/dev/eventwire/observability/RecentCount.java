package dev.eventwire.observability;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A count read from the store at most once per {@code maxAge}, however often it is scraped, so a
 * scraper (or several) cannot turn into a query load. While a read fails it is NaN (unknown), not the
 * last value: replicas cut off from their database each kept reporting a different frozen count, which
 * a dashboard took for the backlog.
 */
final class RecentCount {
    private final LongSupplier source;
    private final long maxAgeNanos;
    private double value = Double.NaN;
    private long readAt;
    private boolean read;

    RecentCount(LongSupplier source, Duration maxAge) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
    }

    synchronized double get() {
        long now = System.nanoTime();
        if (read && now - readAt < maxAgeNanos) return value;
        readAt = now;
        read = true;
        try {
            value = source.getAsLong();
        } catch (RuntimeException e) {
            value = Double.NaN; // the scrape itself still succeeds
        }
        return value;
    }
}
