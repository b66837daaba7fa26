package dev.eventwire.bench;

import dev.eventwire.store.postgres.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The replicas' shared database read as an operator would with psql: which deliveries a replica holds
 * leased, whether they are still queued, and whether any delivery was recorded delivered twice.
 */
public final class Ledger {
    /** The deliveries a replica held leased at one moment: their sequence numbers and webhook-ids. */
    public record Leases(String replica, Set<Long> seqs, Set<String> messageIds) {
    }

    private final DatabaseUrl url;

    public Ledger(String databaseUrl) {
        this.url = DatabaseUrl.parse(databaseUrl);
    }

    public Leases leasedBy(String replicaId) {
        Set<Long> seqs = new HashSet<>();
        Set<String> messageIds = new HashSet<>();
        query("SELECT seq, message_id FROM delivery_queue WHERE lease_owner = ?", ps -> ps.setString(1, replicaId), rs -> {
            seqs.add(rs.getLong(1));
            messageIds.add(rs.getString(2));
        });
        return new Leases(replicaId, seqs, messageIds);
    }

    /** How many deliveries a replica holds leased now. */
    public long leaseCount(String replicaId) {
        long[] n = new long[1];
        query("SELECT count(*) FROM delivery_queue WHERE lease_owner = ?", ps -> ps.setString(1, replicaId), rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    /** How many of these deliveries are still pending. */
    public long stillQueued(Set<Long> seqs) {
        long[] n = new long[1];
        query("SELECT count(*) FROM delivery_queue WHERE seq = ANY(?)",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("bigint", seqs.toArray())), rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    /** Deliveries with more than one successful attempt recorded (the attempt log keeps only attempts whose outcome was recorded). */
    public long recordedDeliveredTwice() {
        long[] n = new long[1];
        query("SELECT count(*) FROM (SELECT message_id FROM delivery_attempts WHERE success GROUP BY message_id HAVING count(*) > 1) twice",
                ps -> { }, rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    /** Attempts recorded as failed (retried on the schedule), counted by the error's first words (its kind). */
    public java.util.Map<String, Long> failedAttempts() {
        java.util.Map<String, Long> byError = new java.util.TreeMap<>();
        query("SELECT split_part(coalesce(error, 'status ' || status_code), ':', 1), count(*) FROM delivery_attempts WHERE NOT success GROUP BY 1", ps -> { },
                rs -> byError.put(rs.getString(1), rs.getLong(2)));
        return byError;
    }

    /**
     * Waits until none of {@code leases} is pending any more (recorded delivered by another replica) and
     * returns the time since {@code sinceNanos} (a {@link System#nanoTime()}); empty when {@code max} passed first.
     * The database may be away for a moment meanwhile.
     */
    public java.util.Optional<Duration> awaitTakenOver(Leases leases, long sinceNanos, Duration max) {
        return awaitHandover(leases, sinceNanos, max).all();
    }

    /** When the first of a dead replica's leased deliveries, and when the last, had been recorded by another (empty: not within the wait). */
    public record Handover(java.util.Optional<Duration> first, java.util.Optional<Duration> all) {
    }

    /** As {@link #awaitTakenOver}, noting also when the first of them was recorded: the moment the others resumed its work. */
    public Handover awaitHandover(Leases leases, long sinceNanos, Duration max) {
        java.util.Optional<Duration> first = java.util.Optional.empty();
        while (System.nanoTime() - sinceNanos < max.toNanos()) {
            try {
                long left = stillQueued(leases.seqs());
                Duration elapsed = Duration.ofNanos(System.nanoTime() - sinceNanos);
                if (first.isEmpty() && left < leases.seqs().size()) first = java.util.Optional.of(elapsed);
                if (left == 0) return new Handover(first, java.util.Optional.of(elapsed));
            } catch (IllegalStateException databaseAway) {
                // asked again below
            }
            DeliveryBench.pause(Duration.ofMillis(50));
        }
        return new Handover(first, java.util.Optional.empty());
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Binder binder, RowReader reader) {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user().orElse(null), url.password().orElse(null));
             PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database: " + e.getMessage(), e);
        }
    }
}
