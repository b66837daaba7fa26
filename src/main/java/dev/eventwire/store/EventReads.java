package dev.eventwire.store;

import dev.eventwire.events.EventQuery;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** The event-log listings, in SQL both backends answer alike (newest first, paged by log position). */
public final class EventReads {
    private EventReads() {
    }

    public static Page<StoredEvent> list(Connection c, EventQuery query) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT seq, event_id, event_type, received_us, body FROM events
                WHERE tenant = ? AND seq < ?
                  AND (CAST(? AS VARCHAR) IS NULL OR event_type = ? OR starts_with(event_type, ? || '.'))
                  AND (CAST(? AS VARCHAR) IS NULL OR entity_id = ?)
                ORDER BY seq DESC LIMIT ?""")) {
            String type = query.eventTypePrefix().orElse(null);
            String entity = query.entityId().orElse(null);
            ps.setString(1, query.tenant());
            ps.setLong(2, query.page().before().orElse(Long.MAX_VALUE));
            ps.setString(3, type);
            ps.setString(4, type);
            ps.setString(5, type);
            ps.setString(6, entity);
            ps.setString(7, entity);
            ps.setInt(8, query.page().limit() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                return Pages.read(rs, query.page().limit(), EventReads::storedEvent, StoredEvent::seq, e -> e.body().length());
            }
        }
    }

    public static Page<RejectedEvent> listRejected(Connection c, String tenant, PageRequest page) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT seq, received_us, error_code, error_message, error_field, body FROM rejected_events
                WHERE tenant = ? AND seq < ? ORDER BY seq DESC LIMIT ?""")) {
            ps.setString(1, tenant);
            ps.setLong(2, page.before().orElse(Long.MAX_VALUE));
            ps.setInt(3, page.limit() + 1);
            Page<Map.Entry<Long, RejectedEvent>> p;
            try (ResultSet rs = ps.executeQuery()) {
                p = Pages.read(rs, page.limit(), r -> {
                    ErrorDetail error = new ErrorDetail(r.getString(3), r.getString(4), r.getString(5));
                    return Map.entry(r.getLong(1), new RejectedEvent(tenant, Micros.toInstant(r.getLong(2)), error, r.getString(6)));
                }, Map.Entry::getKey, e -> e.getValue().body() == null ? 0 : e.getValue().body().length());
            }
            return new Page<>(p.items().stream().map(Map.Entry::getValue).toList(), p.nextCursor());
        }
    }

    public static StoredEvent storedEvent(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), Micros.toInstant(rs.getLong(4)), rs.getString(5));
    }
}
