package dev.eventwire.store;

import dev.eventwire.delivery.AttemptLogEntry;
import dev.eventwire.delivery.Delivery;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The delivery and attempt-log reads, in SQL both backends answer alike. A backend names how pending and
 * finished deliveries are seen together ({@code allDeliveries}: a subquery with {@link #COLUMNS} and tenant).
 */
public final class DeliveryReads {
    public static final String COLUMNS = "seq, webhook_id, event_id, message_id, event_type, status, attempts, next_attempt_us, "
            + "last_status_code, last_error, created_us, updated_us";
    private static final String ATTEMPT_COLUMNS = "attempt_id, webhook_id, event_id, message_id, attempt, trigger, status_code, success, error, "
            + "duration_ms, response_body, attempted_us";

    private final String allDeliveries;

    public DeliveryReads(String allDeliveries) {
        this.allDeliveries = allDeliveries;
    }

    public Page<Delivery> list(Connection c, String tenant, String webhookId, dev.eventwire.delivery.DeliveryFilter filter, PageRequest page)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + allDeliveries + " d "
                + "WHERE tenant = ? AND webhook_id = ? AND seq < ? AND (CAST(? AS VARCHAR) IS NULL OR status = ?) "
                + "AND (CAST(? AS VARCHAR) IS NULL OR message_id = ?) ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, tenant);
            ps.setString(2, webhookId);
            ps.setLong(3, page.before().orElse(Long.MAX_VALUE));
            String s = filter.status().map(DeliveryStatus::wireName).orElse(null);
            ps.setString(4, s);
            ps.setString(5, s);
            String message = filter.messageId().orElse(null);
            ps.setString(6, message);
            ps.setString(7, message);
            ps.setInt(8, page.limit() + 1);
            List<Delivery> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(delivery(rs));
            }
            return Pages.of(rows, page.limit(), Delivery::seq);
        }
    }

    public Optional<Delivery> find(Connection c, String tenant, String webhookId, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + allDeliveries + " d "
                + "WHERE tenant = ? AND webhook_id = ? AND event_id = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, webhookId);
            ps.setString(3, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(delivery(rs)) : Optional.empty();
            }
        }
    }

    public List<AttemptLogEntry> attempts(Connection c, String tenant, String webhookId, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ATTEMPT_COLUMNS + " FROM delivery_attempts "
                + "WHERE tenant = ? AND webhook_id = ? AND event_id = ? AND trigger <> 'test' ORDER BY attempt, seq")) {
            ps.setString(1, tenant);
            ps.setString(2, webhookId);
            ps.setString(3, eventId);
            return attemptRows(ps);
        }
    }

    /** A row of the attempt log with its position, which the next page's cursor names. */
    private record Logged(long seq, AttemptLogEntry entry) {
    }

    public Page<AttemptLogEntry> logs(Connection c, String tenant, String webhookId, PageRequest page) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ATTEMPT_COLUMNS + ", seq FROM delivery_attempts "
                + "WHERE tenant = ? AND webhook_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, tenant);
            ps.setString(2, webhookId);
            ps.setLong(3, page.before().orElse(Long.MAX_VALUE));
            ps.setInt(4, page.limit() + 1);
            List<Logged> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(new Logged(rs.getLong(13), attempt(rs)));
            }
            Page<Logged> logged = Pages.of(rows, page.limit(), Logged::seq);
            return new Page<>(logged.items().stream().map(Logged::entry).toList(), logged.nextCursor());
        }
    }

    private static List<AttemptLogEntry> attemptRows(PreparedStatement ps) throws SQLException {
        List<AttemptLogEntry> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) rows.add(attempt(rs));
        }
        return rows;
    }

    private static AttemptLogEntry attempt(ResultSet rs) throws SQLException {
        int code = rs.getInt(7);
        Optional<Integer> statusCode = rs.wasNull() ? Optional.empty() : Optional.of(code);
        return new AttemptLogEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                Trigger.fromWire(rs.getString(6)), statusCode, rs.getBoolean(8), Optional.ofNullable(rs.getString(9)),
                rs.getLong(10), rs.getString(11), Micros.toInstant(rs.getLong(12)));
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        long next = rs.getLong(8);
        Optional<Instant> nextAt = rs.wasNull() ? Optional.empty() : Optional.of(Micros.toInstant(next));
        int code = rs.getInt(9);
        Optional<Integer> lastCode = rs.wasNull() ? Optional.empty() : Optional.of(code);
        return new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                DeliveryStatus.fromWire(rs.getString(6)).orElseThrow(), rs.getInt(7), nextAt, lastCode,
                Optional.ofNullable(rs.getString(10)), Micros.toInstant(rs.getLong(11)), Micros.toInstant(rs.getLong(12)));
    }
}
