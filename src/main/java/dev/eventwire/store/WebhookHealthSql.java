package dev.eventwire.store;

import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.WebhookHealthRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inside the transaction that records outcomes, in SQL both backends answer alike: keeps each webhook's
 * {@code failing_since_us} (the first failure since its last success), disables a webhook that has failed
 * for the rule's period, and reports deliveries that died and webhooks that recovered.
 */
public final class WebhookHealthSql {
    /** Disables a webhook and parks its pending deliveries, the backend's way; false when it was not active. */
    @FunctionalInterface
    public interface Disabler {
        boolean disable(Connection c, String webhookId, String reason, long nowMicros) throws SQLException;
    }

    private WebhookHealthSql() {
    }

    /** {@code applied}: the outcomes this transaction recorded (not duplicates, not stale ones). */
    public static List<DeliveryEffect> apply(Connection c, List<AttemptRecord> applied, WebhookHealthRule rule, Disabler disabler) throws SQLException {
        List<DeliveryEffect> effects = new ArrayList<>();
        Map<String, AttemptRecord> lastSuccess = new LinkedHashMap<>();
        Map<String, AttemptRecord> firstFailure = new LinkedHashMap<>();
        for (AttemptRecord r : applied) {
            if (r.success()) lastSuccess.merge(r.webhookId(), r, (a, b) -> b.attemptedAt().isAfter(a.attemptedAt()) ? b : a);
            else firstFailure.merge(r.webhookId(), r, (a, b) -> b.attemptedAt().isBefore(a.attemptedAt()) ? b : a);
            if (r.newStatus() == DeliveryStatus.DEAD) effects.add(new DeliveryEffect.DeliveryDied(r));
        }
        for (AttemptRecord r : lastSuccess.values()) {
            firstFailure.remove(r.webhookId()); // a success in the batch: the webhook works
            try (PreparedStatement ps = c.prepareStatement("SELECT failing_since_us FROM webhooks WHERE id = ? AND failing_since_us IS NOT NULL")) {
                ps.setString(1, r.webhookId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) continue;
                    Instant since = Micros.toInstant(rs.getLong(1));
                    if (rule.recovery(since, r.attemptedAt())) {
                        effects.add(new DeliveryEffect.WebhookRecovered(r.tenant(), r.webhookId(), since, r.attemptedAt()));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET failing_since_us = NULL WHERE id = ?")) {
                ps.setString(1, r.webhookId());
                ps.executeUpdate();
            }
        }
        for (AttemptRecord r : firstFailure.values()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET failing_since_us = ? WHERE id = ? AND failing_since_us IS NULL")) {
                ps.setLong(1, Micros.of(r.attemptedAt()));
                ps.setString(2, r.webhookId());
                ps.executeUpdate();
            }
            Instant since;
            try (PreparedStatement ps = c.prepareStatement("SELECT failing_since_us FROM webhooks WHERE id = ? AND active")) {
                ps.setString(1, r.webhookId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) continue;
                    since = Micros.toInstant(rs.getLong(1));
                }
            }
            if (rule.disables(since, r.attemptedAt())) {
                String reason = WebhookHealthRule.reason(since);
                if (disabler.disable(c, r.webhookId(), reason, Micros.of(r.attemptedAt()))) {
                    effects.add(new DeliveryEffect.WebhookDisabled(r.tenant(), r.webhookId(), reason, since, r.attemptedAt()));
                }
            }
        }
        return effects;
    }
}
