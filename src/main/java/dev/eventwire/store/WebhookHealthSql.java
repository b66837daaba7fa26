package dev.eventwire.store;

import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.DeadDelivery;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.WebhookHealthRule;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inside the transaction that records outcomes, in SQL both backends answer alike: keeps each webhook's
 * {@code failing_since_us} (the first failure since its last success), disables a webhook that has failed
 * for the rule's period, and reports webhooks that recovered. Set-based: a few
 * statements per batch whatever the number of webhooks in it (usually one update and one read that
 * finds nothing).
 */
public final class WebhookHealthSql {
    /** Disables a webhook and parks its pending deliveries, the backend's way; false when it was not active. */
    @FunctionalInterface
    public interface Disabler {
        boolean disable(Connection c, String webhookId, String reason, long nowMicros) throws SQLException;
    }

    private WebhookHealthSql() {
    }

    /** The deliveries among {@code applied} that died. */
    public static List<DeliveryEffect> deaths(List<AttemptRecord> applied) {
        List<DeliveryEffect> died = new ArrayList<>();
        for (AttemptRecord r : applied) {
            if (r.newStatus() == DeliveryStatus.DEAD) died.add(new DeliveryEffect.DeliveryDied(DeadDelivery.of(r)));
        }
        return died;
    }

    /**
     * Whether {@link #apply} could change anything for {@code applied}: some attempt failed, or a webhook
     * that succeeded is marked failing. Read-only; usually one read that finds nothing.
     */
    public static boolean mayChange(Connection c, List<AttemptRecord> applied) throws SQLException {
        if (applied.isEmpty()) return false;
        if (applied.stream().anyMatch(r -> !r.success())) return true;
        String ids = SqlLiterals.list(applied.stream().map(AttemptRecord::webhookId).distinct().toList());
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM webhooks WHERE id IN (" + ids + ") AND failing_since_us IS NOT NULL")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** {@code applied}: the outcomes this transaction recorded (not duplicates, not stale ones). */
    public static List<DeliveryEffect> apply(Connection c, List<AttemptRecord> applied, WebhookHealthRule rule, Disabler disabler) throws SQLException {
        List<DeliveryEffect> effects = new ArrayList<>();
        if (applied.isEmpty()) return effects;
        Map<String, AttemptRecord> lastSuccess = new LinkedHashMap<>();
        Map<String, AttemptRecord> firstFailure = new LinkedHashMap<>();
        Instant earliestFailure = null;
        for (AttemptRecord r : applied) {
            if (r.success()) lastSuccess.merge(r.webhookId(), r, (a, b) -> b.attemptedAt().isAfter(a.attemptedAt()) ? b : a);
            else firstFailure.merge(r.webhookId(), r, (a, b) -> b.attemptedAt().isBefore(a.attemptedAt()) ? b : a);
        }
        firstFailure.keySet().removeAll(lastSuccess.keySet()); // a success in the batch: the webhook works
        for (AttemptRecord r : firstFailure.values()) {
            if (earliestFailure == null || r.attemptedAt().isBefore(earliestFailure)) earliestFailure = r.attemptedAt();
        }
        try (Statement st = c.createStatement()) {
            if (!lastSuccess.isEmpty()) {
                String ids = SqlLiterals.list(lastSuccess.keySet());
                List<String> wereFailing = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT id, failing_since_us FROM webhooks WHERE id IN (" + ids + ") AND failing_since_us IS NOT NULL")) {
                    while (rs.next()) {
                        AttemptRecord r = lastSuccess.get(rs.getString(1));
                        Instant since = Micros.toInstant(rs.getLong(2));
                        wereFailing.add(rs.getString(1));
                        if (rule.recovery(since, r.attemptedAt())) {
                            effects.add(new DeliveryEffect.WebhookRecovered(r.tenant(), r.webhookId(), since, r.attemptedAt()));
                        }
                    }
                }
                if (!wereFailing.isEmpty()) st.executeUpdate("UPDATE webhooks SET failing_since_us = NULL WHERE id IN (" + SqlLiterals.list(wereFailing) + ")");
            }
            if (!firstFailure.isEmpty()) {
                String ids = SqlLiterals.list(firstFailure.keySet());
                // The batch's earliest failure starts the run of each webhook that had none (batches span milliseconds).
                st.executeUpdate("UPDATE webhooks SET failing_since_us = " + Micros.of(earliestFailure) + " WHERE id IN (" + ids
                        + ") AND failing_since_us IS NULL");
                Instant latest = firstFailure.values().stream().map(AttemptRecord::attemptedAt).max(Instant::compareTo).orElseThrow();
                Map<String, Instant> due = new LinkedHashMap<>();
                try (ResultSet rs = st.executeQuery("SELECT id, failing_since_us FROM webhooks WHERE id IN (" + ids + ") AND active AND failing_since_us <= "
                        + Micros.of(latest.minus(rule.disableAfter())))) {
                    while (rs.next()) due.put(rs.getString(1), Micros.toInstant(rs.getLong(2)));
                }
                for (Map.Entry<String, Instant> d : due.entrySet()) {
                    AttemptRecord r = firstFailure.get(d.getKey());
                    if (!rule.disables(d.getValue(), r.attemptedAt())) continue;
                    String reason = WebhookHealthRule.reason(d.getValue());
                    if (disabler.disable(c, r.webhookId(), reason, Micros.of(r.attemptedAt()))) {
                        effects.add(new DeliveryEffect.WebhookDisabled(r.tenant(), r.webhookId(), reason, d.getValue(), r.attemptedAt()));
                    }
                }
            }
        }
        return effects;
    }
}
