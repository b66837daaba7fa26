package dev.eventwire.store;

import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Ordering;
import dev.eventwire.webhooks.PreviousSecret;
import dev.eventwire.webhooks.Webhook;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A webhook row as both backends store it: {@code id, tenant, url, description, filters, secret, active,
 * disabled_reason, created_us, updated_us, previous_secret, previous_valid_until_us, rate_limit, ordering}.
 */
public final class WebhookRows {
    /** The columns {@link #read} expects, in its order. */
    public static final String COLUMNS = "id, tenant, url, description, filters, secret, active, disabled_reason, created_us, updated_us, "
            + "previous_secret, previous_valid_until_us, rate_limit, ordering";

    private WebhookRows() {
    }

    /**
     * Inserts a new webhook unless its tenant already has {@code maxPerTenant} (not removed); returns
     * whether it did. The caller makes the count and the insert one step for the tenant (a single writer,
     * or a lock held to the end of the transaction).
     */
    public static boolean insertIfRoom(Connection c, Webhook w, int maxPerTenant, FiltersCodec filters, SecretSeal secrets) throws SQLException {
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
            ps.setString(3, w.url());
            ps.setString(4, w.description().orElse(null));
            ps.setString(5, filters.writeString(w.filters()));
            ps.setString(6, secrets.seal(w.secret()));
            ps.setBoolean(7, w.active());
            ps.setString(8, w.disabledReason().orElse(null));
            ps.setLong(9, Micros.of(w.createdAt()));
            ps.setLong(10, Micros.of(w.updatedAt()));
            bindRateLimit(ps, 11, w);
            bindOrdering(ps, 12, w);
            ps.executeUpdate();
            return true;
        }
    }

    public static Webhook read(ResultSet rs, FiltersCodec filters, SecretSeal secrets) throws SQLException {
        String previous = secrets.open(rs.getString(11));
        long until = rs.getLong(12);
        Optional<PreviousSecret> previousSecret = previous == null || rs.wasNull() ? Optional.empty()
                : Optional.of(new PreviousSecret(previous, Micros.toInstant(until)));
        return new Webhook(rs.getString(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                filters.readString(rs.getString(5)), secrets.open(rs.getString(6)), previousSecret, rs.getBoolean(7), Optional.ofNullable(rs.getString(8)),
                Micros.toInstant(rs.getLong(9)), Micros.toInstant(rs.getLong(10)), rateLimit(rs),
                Optional.ofNullable(rs.getString(14)).flatMap(Ordering::fromWire).orElse(Ordering.NONE));
    }

    private static Optional<Double> rateLimit(ResultSet rs) throws SQLException {
        double v = rs.getDouble(13);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    public static void bindOrdering(PreparedStatement ps, int at, Webhook w) throws SQLException {
        ps.setString(at, w.ordering().wireName());
    }

    public static void bindRateLimit(PreparedStatement ps, int at, Webhook w) throws SQLException {
        if (w.rateLimit().isPresent()) ps.setDouble(at, w.rateLimit().get());
        else ps.setNull(at, Types.DOUBLE);
    }

    /** Binds the current secret, the previous one and its end at {@code from}, {@code from + 1}, {@code from + 2}. */
    public static void bindSecrets(PreparedStatement ps, int from, Webhook w, SecretSeal secrets) throws SQLException {
        bindSecrets(ps, from, w, secrets, new String[2]);
    }

    /**
     * As above; a secret that one of the {@code stored} values holds (a rotation moves the current secret to
     * the previous one) keeps that stored value unless it is stale (see {@link #storedSecrets}).
     */
    private static void bindSecrets(PreparedStatement ps, int from, Webhook w, SecretSeal secrets, String[] stored) throws SQLException {
        ps.setString(from, storedForm(w.secret(), stored, secrets));
        ps.setString(from + 1, storedForm(w.previousSecret().map(PreviousSecret::secret).orElse(null), stored, secrets));
        if (w.previousSecret().isPresent()) ps.setLong(from + 2, Micros.of(w.previousSecret().get().validUntil()));
        else ps.setNull(from + 2, Types.BIGINT);
    }

    private static String storedForm(String secret, String[] stored, SecretSeal secrets) {
        if (secret == null) return null;
        for (String value : stored) {
            if (value != null && !secrets.stale(value) && secret.equals(secrets.open(value))) return value;
        }
        return secrets.seal(secret);
    }

    /**
     * The secret and previous secret as stored for webhook {@code id} (nulls when it has none). A change that
     * leaves a secret as it was keeps its stored value: a replica holding the key only as previous (the first
     * step of giving replicas a key, which seals nothing) would otherwise write a sealed secret back in the clear.
     */
    private static String[] storedSecrets(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT secret, previous_secret FROM webhooks WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[]{rs.getString(1), rs.getString(2)} : new String[2];
            }
        }
    }

    /**
     * A change of a webhook's state, applied only while the row is still as it was read (its
     * {@code updated_us} unchanged) and not deleted: two changes that read the same state cannot both
     * apply, so neither is lost under the other. Bound by {@link #bindUpdate}.
     */
    public static final String CONDITIONAL_UPDATE = "UPDATE webhooks SET url = ?, description = ?, filters = ?, active = ?, disabled_reason = ?, "
            + "updated_us = ?, secret = ?, previous_secret = ?, previous_valid_until_us = ?, rate_limit = ?, ordering = ?, "
            // Switched back on by its owner: the run of failures that may have disabled it is over.
            + "failing_since_us = CASE WHEN active THEN failing_since_us ELSE NULL END WHERE id = ? AND updated_us = ? AND NOT deleted";

    /** Removes a webhook not removed yet; parameters: the time, the id. */
    public static final String DELETE = "UPDATE webhooks SET deleted = true, active = false, updated_us = ? WHERE id = ? AND NOT deleted";

    public static void bindUpdate(Connection c, PreparedStatement ps, Webhook w, java.time.Instant readAt, FiltersCodec filters, SecretSeal secrets)
            throws SQLException {
        ps.setString(1, w.url());
        ps.setString(2, w.description().orElse(null));
        ps.setString(3, filters.writeString(w.filters()));
        ps.setBoolean(4, w.active());
        ps.setString(5, w.disabledReason().orElse(null));
        ps.setLong(6, Micros.of(w.updatedAt()));
        bindSecrets(ps, 7, w, secrets, storedSecrets(c, w.id()));
        bindRateLimit(ps, 10, w);
        bindOrdering(ps, 11, w);
        ps.setString(12, w.id());
        ps.setLong(13, Micros.of(readAt));
    }

    /** Runs a query of webhook rows with string parameters. */
    public static List<Webhook> query(Connection c, FiltersCodec filters, SecretSeal secrets, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            List<Webhook> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs, filters, secrets));
            }
            return out;
        }
    }

    /**
     * At start, with a key: seals every secret stored as it is or with another key (the previous one), of
     * removed webhooks too, so the store holds no secret in the clear once a key is set. Each row is changed
     * only while it still holds what was read (a replica starting at the same moment may seal it first);
     * its {@code updated_us} stays, as nothing a client sees changed. Answers how many rows were sealed.
     */
    public static int reseal(Connection c, SecretSeal secrets) throws SQLException {
        if (!secrets.sealing()) return 0;
        record Stored(String id, String secret, String previous) {
        }
        List<Stored> stale = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, secret, previous_secret, deleted FROM webhooks");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Stored row = new Stored(rs.getString(1), rs.getString(2), rs.getString(3));
                if (secrets.stale(row.secret()) || secrets.stale(row.previous())) {
                    stale.add(row);
                } else if (!rs.getBoolean(4)) {
                    // Opened once here, inactive webhooks too: a value that does not open stops the start with one
                    // line, where it had failed every request for the tenant's webhooks with a 500.
                    secrets.open(row.secret());
                    secrets.open(row.previous());
                }
            }
        }
        int sealed = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET secret = ?, previous_secret = ? WHERE id = ? AND secret = ? "
                + "AND (previous_secret = ? OR (previous_secret IS NULL AND ? IS NULL))")) {
            for (Stored row : stale) {
                ps.setString(1, secrets.seal(secrets.open(row.secret())));
                ps.setString(2, secrets.seal(secrets.open(row.previous())));
                ps.setString(3, row.id());
                ps.setString(4, row.secret());
                ps.setString(5, row.previous());
                ps.setString(6, row.previous());
                sealed += ps.executeUpdate();
            }
        }
        return sealed;
    }
}
