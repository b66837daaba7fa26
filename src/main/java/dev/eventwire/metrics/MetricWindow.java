package dev.eventwire.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The windows a metric can be read over. */
public final class MetricWindow {
    public static final Map<String, Duration> WINDOWS = Map.of("5m", Duration.ofMinutes(5), "15m", Duration.ofMinutes(15),
            "1h", Duration.ofHours(1), "6h", Duration.ofHours(6), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));
    public static final List<String> NAMES = List.of("5m", "15m", "1h", "6h", "24h", "7d", "30d");

    private MetricWindow() {
    }

    public static Optional<Duration> parse(String name) {
        return Optional.ofNullable(WINDOWS.get(name));
    }
}
