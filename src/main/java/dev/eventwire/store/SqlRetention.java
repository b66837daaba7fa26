package dev.eventwire.store;

import dev.eventwire.retention.Retained;
import dev.eventwire.retention.RetentionStore;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.function.Function;

/**
 * Retention in SQL both backends answer alike: each step deletes at most N of the oldest qualifying rows,
 * found by their sequence number. The backends differ only in how they run a write and in how a metric
 * point is known to be folded into its minute bucket.
 */
public final class SqlRetention implements RetentionStore {
    private final Function<SqlWork<Integer>, Integer> write;
    private final String pointFolded;
    private final String eventDone;

    /** {@code pointFolded}: an SQL condition on {@code metric_points} that holds once the point is in its bucket. */
    public SqlRetention(Function<SqlWork<Integer>, Integer> write, String pointFolded) {
        this(write, pointFolded, "true");
    }

    /** {@code eventDone}: a further SQL condition on {@code events} that holds once an event's deliveries are all written. */
    public SqlRetention(Function<SqlWork<Integer>, Integer> write, String pointFolded, String eventDone) {
        this.write = write;
        this.pointFolded = pointFolded;
        this.eventDone = eventDone;
    }

    @Override
    public int prune(Retained what, Instant before, int maxRows) {
        String sql = statement(what);
        return write.apply(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, Micros.of(before));
                ps.setInt(2, maxRows);
                return ps.executeUpdate();
            }
        });
    }

    /** The delete of one step: its parameters are the age limit in microseconds and the most rows to remove. */
    public String statement(Retained what) {
        return switch (what) {
            case EVENTS -> step("events", "received_us < ? AND " + eventDone + " AND NOT EXISTS (SELECT 1 FROM delivery_queue q WHERE q.event_seq = events.seq)");
            case REJECTED_EVENTS -> step("rejected_events", "received_us < ?");
            case FINISHED_DELIVERIES -> step("delivery_history", "updated_us < ?");
            case DELIVERY_ATTEMPTS -> step("delivery_attempts", "attempted_us < ?");
            case METRIC_POINTS -> step("metric_points", "occurred_us < ? AND " + pointFolded);
        };
    }

    private static String step(String table, String condition) {
        return "DELETE FROM " + table + " WHERE seq IN (SELECT seq FROM " + table + " WHERE " + condition + " ORDER BY seq LIMIT ?)";
    }
}
