package dev.eventwire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything {@code serve} can be told. */
public record ServeConfig(String host, int port, Path dataDir, Optional<String> adminKey, Egress egress,
                          List<Duration> retrySchedule, Duration deliveryTimeout, Optional<Path> metricsFile, Limits limits, Storage storage,
                          Duration retention, Duration disableAfter, MetricsAuth metricsAuth) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(35);

    /**
     * Where the data lives: {@code databaseUrl} empty = the embedded DuckDB file in the data folder; a
     * PostgreSQL URL = a database that any number of replicas share. {@code replicaId} names this process
     * among them; {@code secrets}: how webhook secrets are stored (sealed with a key, or as they are).
     */
    public record Storage(Optional<String> databaseUrl, String replicaId, dev.eventwire.store.SecretSeal secrets) {
        /** Webhook secrets stored as they are. */
        public Storage(Optional<String> databaseUrl, String replicaId) {
            this(databaseUrl, replicaId, dev.eventwire.store.SecretSeal.none());
        }

        public static Storage embedded() {
            return new Storage(Optional.empty(), defaultReplicaId());
        }

        public static String defaultReplicaId() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid();
        }
    }

    public static final List<Duration> DEFAULT_RETRY_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    /**
     * Where deliveries may go and whom they trust there: {@code allow} is exempt from the egress guard (hosts
     * or CIDRs), {@code trust} the certificate authorities HTTPS receivers are checked against.
     */
    public record Egress(List<String> allow, dev.eventwire.delivery.ReceiverTrust trust) {
        public static final Egress DEFAULT = new Egress(List.of(), dev.eventwire.delivery.ReceiverTrust.JVM_DEFAULTS);

        public Egress {
            allow = List.copyOf(allow);
        }
    }

    public ServeConfig {
        retrySchedule = List.copyOf(retrySchedule);
    }

    /** Defaults for a server on loopback with the given data folder (tests, demo, bench). */
    public static ServeConfig local(Path dataDir) {
        return new ServeConfig("127.0.0.1", 0, dataDir, Optional.empty(), Egress.DEFAULT, DEFAULT_RETRY_SCHEDULE, Duration.ofSeconds(15), Optional.empty(),
                Limits.defaults(), Storage.embedded(), DEFAULT_RETENTION,
                dev.eventwire.delivery.WebhookHealthRule.DEFAULT_DISABLE_AFTER, MetricsAuth.NONE);
    }

    public ServeConfig withAdminKey(String key) {
        return withAdminKey(Optional.of(key));
    }

    /** Empty: the key in the data folder's admin.key, generated there at the first start. */
    public ServeConfig withAdminKey(Optional<String> key) {
        return new ServeConfig(host, port, dataDir, key, egress, retrySchedule, deliveryTimeout, metricsFile, limits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withEgressAllow(List<String> allow) {
        return withEgress(new Egress(allow, egress.trust()));
    }

    public ServeConfig withEgress(Egress newEgress) {
        return new ServeConfig(host, port, dataDir, adminKey, newEgress, retrySchedule, deliveryTimeout, metricsFile, limits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withRetrySchedule(List<Duration> schedule) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, schedule, deliveryTimeout, metricsFile, limits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withDeliveryTimeout(Duration timeout) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, timeout, metricsFile, limits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withMetricsFile(Path file) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, Optional.of(file), limits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withPort(int newPort) {
        return new ServeConfig(host, newPort, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, metricsFile, limits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withLimits(Limits newLimits) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, metricsFile, newLimits, storage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withMetricsAuth(MetricsAuth auth) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, metricsFile, limits, storage, retention,
                disableAfter, auth);
    }

    public ServeConfig withStorage(Storage newStorage) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, metricsFile, limits, newStorage, retention, disableAfter, metricsAuth);
    }

    public ServeConfig withRetention(Duration newRetention) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, metricsFile, limits, storage, newRetention, disableAfter, metricsAuth);
    }

    public ServeConfig withDisableAfter(Duration newDisableAfter) {
        return new ServeConfig(host, port, dataDir, adminKey, egress, retrySchedule, deliveryTimeout, metricsFile, limits, storage, retention,
                newDisableAfter, metricsAuth);
    }
}
