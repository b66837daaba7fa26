package dev.eventwire.observability;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A count read from the store at most once per {@code maxAge}, however often it is scraped, so a
 * scraper (or several) cannot turn into a query load. When a read fails the last value stays (NaN
 * before the first one).
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
            // keeps the last value: a scrape must not fail because the store is busy or stopping
        }
        return value;
    }
}
