package dev.eventwire.store.duckdb;

import static dev.eventwire.store.WebhookRows.COLUMNS;

import dev.eventwire.store.Micros;
import dev.eventwire.store.SecretSeal;
import dev.eventwire.store.WebhookRows;
import dev.eventwire.support.Awaits;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks in the event log file, written by the ingest writer. A webhook that stops taking deliveries
 * (removed, switched off) has its pending deliveries parked in the delivery file right after its change
 * commits; the call returns once both are done.
 */
public final class DuckDbWebhookStore implements WebhookStore {
    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final FiltersCodec filters;
    private final SecretSeal secrets;
    private final DuckDbDeliveryStore parking;

    public DuckDbWebhookStore(DuckDbDatabase database, GroupCommitWriter writer, FiltersCodec filters, SecretSeal secrets, DuckDbDeliveryStore parking) {
        this.secrets = secrets;
        this.database = database;
        this.writer = writer;
        this.filters = filters;
        this.parking = parking;
        int sealed = writer.runNow(c -> Transaction.run(c, tx -> WebhookRows.reseal(tx, secrets)));
        if (sealed > 0) org.slf4j.LoggerFactory.getLogger(DuckDbWebhookStore.class).info("sealed the secrets of {} webhook(s) with the current key", sealed);
    }

    @Override
    public List<Webhook> loadActive() {
        return database.read(c -> query(c, "SELECT " + COLUMNS + " FROM webhooks WHERE NOT deleted AND active"));
    }

    @Override
    public boolean insert(Webhook w, int maxPerTenant, Runnable afterCommit) {
        return Awaits.await(writer.submit(c -> {
            // The writer runs one change at a time: the count and the insert cannot interleave with another create.
            return WebhookRows.insertIfRoom(c, w, maxPerTenant, filters, secrets);
        }, inserted -> {
            if (inserted) afterCommit.run();
        }));
    }

    @Override
    public boolean update(Webhook w, java.time.Instant readAt, boolean parkPending, Runnable afterCommit) {
        boolean applied = Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement(WebhookRows.CONDITIONAL_UPDATE)) {
                WebhookRows.bindUpdate(c, ps, w, readAt, filters, secrets);
                return ps.executeUpdate() > 0;
            }
        }, done -> {
            if (done) afterCommit.run();
        }));
        if (applied && parkPending) Awaits.await(parking.parkWebhook(w.id(), Micros.of(w.updatedAt())));
        return applied;
    }

    @Override
    public boolean delete(Webhook w, Runnable afterCommit) {
        boolean applied = Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement(WebhookRows.DELETE)) {
                ps.setLong(1, Micros.of(w.updatedAt()));
                ps.setString(2, w.id());
                return ps.executeUpdate() > 0;
            }
        }, done -> {
            if (done) afterCommit.run();
        }));
        if (applied) Awaits.await(parking.parkWebhook(w.id(), Micros.of(w.updatedAt())));
        return applied;
    }

    @Override
    public Optional<Webhook> find(String tenant, String id) {
        return database.read(c -> query(c, "SELECT " + COLUMNS + " FROM webhooks WHERE NOT deleted AND tenant = ? AND id = ?", tenant, id))
                .stream().findFirst();
    }

    @Override
    public List<Webhook> list(String tenant, int limit, Optional<String> afterId) {
        // Ids are time-ordered, so id order is creation order.
        return database.read(c -> query(c, "SELECT " + COLUMNS + " FROM webhooks WHERE NOT deleted AND tenant = ? AND id < ? ORDER BY id DESC LIMIT "
                + limit, tenant, afterId.orElse("\uffff")));
    }

    private List<Webhook> query(Connection c, String sql, String... params) throws SQLException {
        return WebhookRows.query(c, filters, secrets, sql, params);
    }
}
