package dev.eventwire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything {@code serve} can be told. */
public record ServeConfig(String host, int port, Path dataDir, Optional<String> adminKey, List<String> egressAllow,
                          List<Duration> retrySchedule, Duration deliveryTimeout, Optional<Path> metricsFile, Limits limits,
                          MetricsAuth metricsAuth) {

    public static final List<Duration> DEFAULT_RETRY_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    public ServeConfig {
        egressAllow = List.copyOf(egressAllow);
        retrySchedule = List.copyOf(retrySchedule);
    }

    /** Defaults for a server on loopback with the given data folder (tests, demo, bench). */
    public static ServeConfig local(Path dataDir) {
        return new ServeConfig("127.0.0.1", 0, dataDir, Optional.empty(), List.of(), DEFAULT_RETRY_SCHEDULE, Duration.ofSeconds(15), Optional.empty(),
                Limits.defaults(), MetricsAuth.NONE);
    }

    public ServeConfig withAdminKey(String key) {
        return new ServeConfig(host, port, dataDir, Optional.of(key), egressAllow, retrySchedule, deliveryTimeout, metricsFile, limits, metricsAuth);
    }

    public ServeConfig withEgressAllow(List<String> allow) {
        return new ServeConfig(host, port, dataDir, adminKey, allow, retrySchedule, deliveryTimeout, metricsFile, limits, metricsAuth);
    }

    public ServeConfig withRetrySchedule(List<Duration> schedule) {
        return new ServeConfig(host, port, dataDir, adminKey, egressAllow, schedule, deliveryTimeout, metricsFile, limits, metricsAuth);
    }

    public ServeConfig withDeliveryTimeout(Duration timeout) {
        return new ServeConfig(host, port, dataDir, adminKey, egressAllow, retrySchedule, timeout, metricsFile, limits, metricsAuth);
    }

    public ServeConfig withMetricsFile(Path file) {
        return new ServeConfig(host, port, dataDir, adminKey, egressAllow, retrySchedule, deliveryTimeout, Optional.of(file), limits, metricsAuth);
    }

    public ServeConfig withPort(int newPort) {
        return new ServeConfig(host, newPort, dataDir, adminKey, egressAllow, retrySchedule, deliveryTimeout, metricsFile, limits, metricsAuth);
    }

    public ServeConfig withMetricsAuth(MetricsAuth auth) {
        return new ServeConfig(host, port, dataDir, adminKey, egressAllow, retrySchedule, deliveryTimeout, metricsFile, limits, auth);
    }

    public ServeConfig withLimits(Limits newLimits) {
        return new ServeConfig(host, port, dataDir, adminKey, egressAllow, retrySchedule, deliveryTimeout, metricsFile, newLimits, metricsAuth);
    }
}
