package dev.eventwire.store;

import dev.eventwire.delivery.DeadDelivery;
import dev.eventwire.delivery.DeliveryEffect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The effects whose report (an event in the tenant's log, written by another transaction) is not yet
 * stored, in SQL both backends answer alike: written in the transaction that caused them, removed once
 * the report is stored, read back after a crash in between. Deaths are kept in {@code dead_unreported}
 * (beside the deliveries), webhooks disabled or recovered in {@code webhook_changes_unreported} (beside
 * the webhooks): on DuckDB those are different files, written by different transactions. They are rare,
 * so row by row is enough (and not as a JDBC batch: DuckDB's driver runs one in a transaction of its
 * own, which the writer's explicit transaction refuses).
 */
public final class UnreportedEffectsSql {
    private static final String DISABLED = "disabled";
    private static final String RECOVERED = "recovered";

    private UnreportedEffectsSql() {
    }

    /** Keeps {@code effects} until they are reported; in the transaction that recorded them. */
    public static void keep(Connection c, Collection<DeliveryEffect> effects) throws SQLException {
        List<DeadDelivery> dead = deaths(effects);
        if (!dead.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dead_unreported (seq, attempts, tenant, webhook_id, event_id, message_id, event_type, "
                    + "last_error, died_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (DeadDelivery d : dead) {
                    ps.setLong(1, d.seq());
                    ps.setInt(2, d.attempts());
                    ps.setString(3, d.tenant());
                    ps.setString(4, d.webhookId());
                    ps.setString(5, d.eventId());
                    ps.setString(6, d.messageId());
                    ps.setString(7, d.eventType());
                    ps.setString(8, d.lastError().orElse(null));
                    ps.setLong(9, Micros.of(d.diedAt()));
                    ps.executeUpdate();
                }
            }
        }
        List<WebhookChange> changes = webhookChanges(effects);
        if (changes.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_changes_unreported (webhook_id, kind, tenant, reason, failing_since_us, at_us) "
                + "VALUES (?, ?, ?, ?, ?, ?)")) {
            for (WebhookChange change : changes) {
                ps.setString(1, change.webhookId());
                ps.setString(2, change.kind());
                ps.setString(3, change.tenant());
                ps.setString(4, change.reason().orElse(null));
                ps.setLong(5, Micros.of(change.failingSince()));
                ps.setLong(6, Micros.of(change.at()));
                ps.executeUpdate();
            }
        }
    }

    /** Those kept that happened before {@code before}: deaths first, then webhook changes, each oldest first; {@code limit} in all. */
    public static List<DeliveryEffect> unreported(Connection c, Instant before, int limit) throws SQLException {
        List<DeliveryEffect> effects = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, attempts, tenant, webhook_id, event_id, message_id, event_type, last_error, died_us "
                + "FROM dead_unreported WHERE died_us < ? ORDER BY died_us, seq LIMIT ?")) {
            ps.setLong(1, Micros.of(before));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    effects.add(new DeliveryEffect.DeliveryDied(new DeadDelivery(rs.getLong(1), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getInt(2), Optional.ofNullable(rs.getString(8)), Micros.toInstant(rs.getLong(9)))));
                }
            }
        }
        if (effects.size() >= limit) return effects;
        try (PreparedStatement ps = c.prepareStatement("SELECT webhook_id, kind, tenant, reason, failing_since_us, at_us FROM webhook_changes_unreported "
                + "WHERE at_us < ? ORDER BY at_us, webhook_id LIMIT ?")) {
            ps.setLong(1, Micros.of(before));
            ps.setInt(2, limit - effects.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant failingSince = Micros.toInstant(rs.getLong(5));
                    Instant at = Micros.toInstant(rs.getLong(6));
                    effects.add(DISABLED.equals(rs.getString(2))
                            ? new DeliveryEffect.WebhookDisabled(rs.getString(3), rs.getString(1), rs.getString(4), failingSince, at)
                            : new DeliveryEffect.WebhookRecovered(rs.getString(3), rs.getString(1), failingSince, at));
                }
            }
        }
        return effects;
    }

    /** Forgets the deaths among {@code reported}; in a transaction of the store that keeps deliveries. */
    public static void forgetDeaths(Connection c, Collection<DeliveryEffect> reported) throws SQLException {
        List<DeadDelivery> dead = deaths(reported);
        if (dead.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dead_unreported WHERE seq = ? AND attempts = ?")) {
            for (DeadDelivery d : dead) {
                ps.setLong(1, d.seq());
                ps.setInt(2, d.attempts());
                ps.executeUpdate();
            }
        }
    }

    /** Forgets the webhook changes among {@code reported}; in a transaction of the store that keeps webhooks. */
    public static void forgetWebhookChanges(Connection c, Collection<DeliveryEffect> reported) throws SQLException {
        List<WebhookChange> changes = webhookChanges(reported);
        if (changes.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_changes_unreported WHERE webhook_id = ? AND kind = ? AND at_us = ?")) {
            for (WebhookChange change : changes) {
                ps.setString(1, change.webhookId());
                ps.setString(2, change.kind());
                ps.setLong(3, Micros.of(change.at()));
                ps.executeUpdate();
            }
        }
    }

    public static boolean anyDeaths(Collection<DeliveryEffect> effects) {
        return effects.stream().anyMatch(DeliveryEffect.DeliveryDied.class::isInstance);
    }

    public static boolean anyWebhookChanges(Collection<DeliveryEffect> effects) {
        return effects.stream().anyMatch(e -> !(e instanceof DeliveryEffect.DeliveryDied));
    }

    private static List<DeadDelivery> deaths(Collection<DeliveryEffect> effects) {
        List<DeadDelivery> dead = new ArrayList<>();
        for (DeliveryEffect e : effects) {
            if (e instanceof DeliveryEffect.DeliveryDied d) dead.add(d.dead());
        }
        return dead;
    }

    /** A webhook disabled or recovered, as one row. */
    private record WebhookChange(String webhookId, String kind, String tenant, Optional<String> reason, Instant failingSince, Instant at) {
    }

    private static List<WebhookChange> webhookChanges(Collection<DeliveryEffect> effects) {
        List<WebhookChange> changes = new ArrayList<>();
        for (DeliveryEffect e : effects) {
            switch (e) {
                case DeliveryEffect.WebhookDisabled d -> changes.add(new WebhookChange(d.webhookId(), DISABLED, d.tenant(), Optional.of(d.reason()),
                        d.failingSince(), d.at()));
                case DeliveryEffect.WebhookRecovered r -> changes.add(new WebhookChange(r.webhookId(), RECOVERED, r.tenant(), Optional.empty(),
                        r.failingSince(), r.at()));
                case DeliveryEffect.DeliveryDied d -> {
                }
            }
        }
        return changes;
    }
}
