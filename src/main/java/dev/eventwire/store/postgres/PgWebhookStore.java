package dev.eventwire.store.postgres;

import static dev.eventwire.store.WebhookRows.COLUMNS;

import dev.eventwire.store.Micros;
import dev.eventwire.store.SecretSeal;
import dev.eventwire.store.WebhookRows;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks in PostgreSQL. Every change bumps the webhook epoch in its transaction, which is how other
 * replicas learn that their in-memory webhooks are stale (see {@link WebhookSync}).
 */
final class PgWebhookStore implements WebhookStore {
    private final PgDatabase database;
    private final FiltersCodec filters;
    private final SecretSeal secrets;

    PgWebhookStore(PgDatabase database, FiltersCodec filters, SecretSeal secrets) {
        this.database = database;
        this.filters = filters;
        this.secrets = secrets;
        int sealed = database.inTransaction(c -> WebhookRows.reseal(c, secrets));
        if (sealed > 0) org.slf4j.LoggerFactory.getLogger(PgWebhookStore.class).info("sealed the secrets of {} webhook(s) with the current key", sealed);
    }

    @Override
    public List<Webhook> loadActive() {
        return database.read(this::loadActive);
    }

    List<Webhook> loadActive(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM webhooks WHERE NOT deleted AND active");
    }

    @Override
    public boolean insert(Webhook w, int maxPerTenant, Runnable afterCommit) {
        boolean inserted = database.inTransaction(c -> {
            // One tenant's creates take turns, so two at once cannot both see room for one more.
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "webhooks:" + w.tenant());
                lock.execute();
            }
            if (!WebhookRows.insertIfRoom(c, w, maxPerTenant, filters, secrets)) return false;
            bumpEpoch(c);
            return true;
        });
        if (inserted) afterCommit.run();
        return inserted;
    }

    @Override
    public boolean update(Webhook w, java.time.Instant readAt, boolean parkPending, Runnable afterCommit) {
        boolean applied = database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(WebhookRows.CONDITIONAL_UPDATE)) {
                WebhookRows.bindUpdate(c, ps, w, readAt, filters, secrets);
                if (ps.executeUpdate() == 0) return false;
            }
            bumpEpoch(c);
            if (parkPending) PgDeliveryStore.parkWebhook(c, w.id(), Micros.of(w.updatedAt()));
            return true;
        });
        if (applied) afterCommit.run();
        return applied;
    }

    @Override
    public boolean delete(Webhook w, Runnable afterCommit) {
        boolean applied = database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(WebhookRows.DELETE)) {
                ps.setLong(1, Micros.of(w.updatedAt()));
                ps.setString(2, w.id());
                if (ps.executeUpdate() == 0) return false;
            }
            bumpEpoch(c);
            PgDeliveryStore.parkWebhook(c, w.id(), Micros.of(w.updatedAt()));
            return true;
        });
        if (applied) afterCommit.run();
        return applied;
    }

    /**
     * The advisory lock that orders webhook changes against fan-outs (two-key form: a space of its own,
     * apart from the single-key locks elsewhere): a change holds it alone until it commits, a fan-out
     * shares it while it reads the epoch. A fan-out that starts while a change is committing waits for it
     * and then sees its epoch; a change waits for the fan-outs already under way, which are answered
     * before it is. Without it a fan-out could read the old epoch, the change commit and be acknowledged,
     * and the event be acknowledged after it without a delivery to the new webhook.
     */
    private static final String EPOCH_LOCK = "1702260599, 1";

    static void bumpEpoch(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + EPOCH_LOCK + ")");
            st.executeUpdate("UPDATE webhook_epoch SET epoch = epoch + 1 WHERE id = 1");
        }
    }

    /** Waits for webhook changes being committed; from then on this transaction sees each one or comes before it. */
    static void orderAfterCommittingChanges(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock_shared(" + EPOCH_LOCK + ")");
        }
    }

    static long epoch(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT epoch FROM webhook_epoch WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
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
