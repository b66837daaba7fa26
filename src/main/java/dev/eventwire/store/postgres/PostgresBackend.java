package dev.eventwire.store.postgres;

import dev.eventwire.auth.KeyStore;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.delivery.PendingDeliveries;
import dev.eventwire.delivery.WebhookHealthRule;
import dev.eventwire.events.EventStore;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.metrics.MetricStore;
import dev.eventwire.store.SqlKeyStore;
import dev.eventwire.store.PendingCount;
import dev.eventwire.retention.RetentionStore;
import dev.eventwire.store.ReplicaDirectory;
import dev.eventwire.store.SqlRetention;
import dev.eventwire.store.StoreBackend;
import dev.eventwire.support.CommitObserver;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookRegistry;
import dev.eventwire.webhooks.WebhookStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL shared by any number of replicas. Besides the ports it keeps this replica's in-memory
 * webhooks in step with the others' changes: checked in every ingest transaction, and refreshed in the
 * background every {@link #WEBHOOK_REFRESH} for the delivery engine.
 */
public final class PostgresBackend implements StoreBackend {
    private static final Logger log = LoggerFactory.getLogger(PostgresBackend.class);
    public static final Duration WEBHOOK_REFRESH = Duration.ofMillis(250);

    private final PgDatabase database;
    private final PgDeliveryStore deliveries;
    private final PgWebhookStore webhooks;
    private final SqlKeyStore keys;
    private final PgMetricStore metrics;
    private final PgReplicaDirectory replicas;
    private final WebhookSync webhookSync;
    private final SyncedWebhookStore syncedWebhooks;
    private final Thread refresher;
    private final CommitObserver commits;
    private PgEventStore events;
    private volatile boolean running;

    public PostgresBackend(DatabaseUrl url, int poolSize, String replicaId, String version, Clock clock, Duration lease, FiltersCodec filters,
                           dev.eventwire.store.SecretSeal secrets, WebhookRegistry registry, WebhookHealthRule health, CommitObserver commits) {
        this.commits = commits;
        this.database = PgDatabase.open(url, poolSize, replicaId);
        this.deliveries = new PgDeliveryStore(database, clock, lease, replicaId, health, commits);
        try {
            this.webhooks = new PgWebhookStore(database, filters, secrets);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        this.keys = new SqlKeyStore(database::inTransaction, database::read);
        this.metrics = new PgMetricStore(database);
        this.replicas = new PgReplicaDirectory(database, replicaId, version, clock.instant());
        this.webhookSync = new WebhookSync(webhooks, registry);
        this.syncedWebhooks = new SyncedWebhookStore(webhooks, webhookSync);
        this.refresher = Thread.ofPlatform().name("eventwire-webhook-refresh").daemon(true).unstarted(this::refreshLoop);
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public DeliveryStore deliveries() {
        return deliveries;
    }

    @Override
    public WebhookStore webhooks() {
        return syncedWebhooks;
    }

    @Override
    public KeyStore keys() {
        return keys;
    }

    @Override
    public byte[] cursorKey() {
        return dev.eventwire.store.SqlCursorKey.load(database::inTransaction, database::read);
    }

    @Override
    public MetricStore metrics() {
        return metrics;
    }

    @Override
    public synchronized EventStore events(IngestCommit commit) {
        if (events != null) throw new IllegalStateException("the event store is built once");
        events = new PgEventStore(database, deliveries, metrics, webhookSync, commit, commits);
        return events;
    }

    @Override
    public PendingDeliveries pendingDeliveries() {
        return new PendingCount(database::read);
    }

    @Override
    public RetentionStore retention() {
        return new SqlRetention(database::inTransaction, "NOT EXISTS (SELECT 1 FROM metric_points_unrolled u WHERE u.seq = metric_points.seq)");
    }

    @Override
    public ReplicaDirectory replicas() {
        return replicas;
    }

    @Override
    public void start() {
        running = true;
        deliveries.start();
        if (events != null) events.start();
        refresher.start();
    }

    private void refreshLoop() {
        while (running) {
            try {
                database.read(c -> {
                    webhookSync.sync(c);
                    return null;
                });
            } catch (RuntimeException e) {
                log.debug("webhook refresh failed: {}", e.getMessage());
            }
            try {
                Thread.sleep(WEBHOOK_REFRESH.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * In words fit for anyone who can ask {@code /health} (it takes no key): the database's address, its
     * user and the connection pool's state stay in the log, which has them in full.
     */
    @Override
    public Optional<WriteProblem> writeProblem() {
        if (database.unreachable().isPresent()) {
            return Optional.of(new WriteProblem("the database does not answer (the server's log says where and why)", false));
        }
        boolean writesFail = (events != null && events.problem().isPresent()) || deliveries.problem().isPresent();
        return writesFail ? Optional.of(new WriteProblem("writes to the database fail (the server's log says why)", false)) : Optional.empty();
    }

    @Override
    public void close() {
        running = false;
        refresher.interrupt();
        if (events != null) events.close();
        deliveries.close();
        database.close();
    }
}
