package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlLiterals;
import dev.eventwire.store.Micros;
import dev.eventwire.store.WebhookRows;
import dev.eventwire.support.Awaits;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks in the event log file, written by the ingest writer. A webhook that stops taking deliveries
 * (removed, switched off) has its pending deliveries parked in the delivery file right after its change
 * commits; the call returns once both are done.
 */
public final class DuckDbWebhookStore implements WebhookStore {
    private static final String COLUMNS = "id, tenant, url, description, filters, secret, active, disabled_reason, created_us, updated_us, "
            + "previous_secret, previous_valid_until_us, rate_limit, ordering";

    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final FiltersCodec filters;
    private final DuckDbDeliveryStore parking;

    public DuckDbWebhookStore(DuckDbDatabase database, GroupCommitWriter writer, FiltersCodec filters, DuckDbDeliveryStore parking) {
        this.database = database;
        this.writer = writer;
        this.filters = filters;
        this.parking = parking;
    }

    @Override
    public List<Webhook> loadActive() {
        return database.read(c -> query(c, "SELECT " + COLUMNS + " FROM webhooks WHERE NOT deleted AND active"));
    }

    @Override
    public boolean insert(Webhook w, int maxPerTenant, Runnable afterCommit) {
        return Awaits.await(writer.submit(c -> {
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM webhooks WHERE tenant = ? AND NOT deleted")) {
                count.setString(1, w.tenant());
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= maxPerTenant) return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhooks (" + COLUMNS + ", deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, false)")) {
                ps.setString(1, w.id());
                ps.setString(2, w.tenant());
                bindState(ps, 3, w);
                ps.setString(6, w.secret());
                ps.setBoolean(7, w.active());
                ps.setString(8, w.disabledReason().orElse(null));
                ps.setLong(9, Micros.of(w.createdAt()));
                ps.setLong(10, Micros.of(w.updatedAt()));
                WebhookRows.bindRateLimit(ps, 11, w);
                WebhookRows.bindOrdering(ps, 12, w);
                ps.executeUpdate();
                return true;
            }
        }, inserted -> {
            if (inserted) afterCommit.run();
        }));
    }

    private void bindState(PreparedStatement ps, int from, Webhook w) throws SQLException {
        ps.setString(from, w.url());
        ps.setString(from + 1, w.description().orElse(null));
        ps.setString(from + 2, filters.writeString(w.filters()));
    }

    @Override
    public void update(Webhook w, boolean parkPending, Runnable afterCommit) {
        Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE webhooks SET url = ?, description = ?, filters = ?, active = ?, disabled_reason = ?, updated_us = ?, secret = ?, "
                            + "previous_secret = ?, previous_valid_until_us = ?, rate_limit = ?, ordering = ?, "
                            // Switched back on by its owner: the run of failures that may have disabled it is over.
                            + "failing_since_us = CASE WHEN active THEN failing_since_us ELSE NULL END WHERE id = ?")) {
                bindState(ps, 1, w);
                ps.setBoolean(4, w.active());
                ps.setString(5, w.disabledReason().orElse(null));
                ps.setLong(6, Micros.of(w.updatedAt()));
                WebhookRows.bindSecrets(ps, 7, w);
                WebhookRows.bindRateLimit(ps, 10, w);
                WebhookRows.bindOrdering(ps, 11, w);
                ps.setString(12, w.id());
                ps.executeUpdate();
            }
            return null;
        }, n -> afterCommit.run()));
        if (parkPending) Awaits.await(parking.parkWebhook(w.id(), Micros.of(w.updatedAt())));
    }

    @Override
    public void delete(Webhook w, Runnable afterCommit) {
        Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET deleted = true, active = false, updated_us = ? WHERE id = ?")) {
                ps.setLong(1, Micros.of(w.updatedAt()));
                ps.setString(2, w.id());
                ps.executeUpdate();
            }
            return null;
        }, n -> afterCommit.run()));
        Awaits.await(parking.parkWebhook(w.id(), Micros.of(w.updatedAt())));
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
        return WebhookRows.query(c, filters, sql, params);
    }
}
