package dev.eventwire.store.duckdb;

import dev.eventwire.delivery.AttemptLogEntry;
import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.Delivery;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryKey;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.events.FanOut;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.support.Awaits;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Deliveries and the attempt log in DuckDB. Creation happens inside the ingest transaction
 * ({@link DeliveryQueue}); outcomes from many concurrent attempts are merged by the group-commit writer
 * and applied with one set-based UPDATE and one INSERT per commit.
 */
public final class DuckDbDeliveryStore implements DeliveryStore, DeliveryQueue {
    private static final String DELIVERY_COLUMNS = "seq, webhook_id, event_id, message_id, event_type, status, attempts, next_attempt_us, "
            + "last_status_code, last_error, created_us, updated_us";
    private static final String ATTEMPT_COLUMNS = "attempt_id, webhook_id, event_id, message_id, attempt, trigger, status_code, success, error, "
            + "duration_ms, response_body, attempted_us";

    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final Ids ids;
    private final Clock clock;
    private final Duration initialLease;
    private final OutcomeKind outcomeKind = new OutcomeKind();
    private long nextDeliverySeq;
    private long nextAttemptSeq;

    public DuckDbDeliveryStore(DuckDbDatabase database, GroupCommitWriter writer, Ids ids, Clock clock, Duration initialLease) {
        this.database = database;
        this.writer = writer;
        this.ids = ids;
        this.clock = clock;
        this.initialLease = initialLease;
        writer.runNow(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS outcomes_stage (webhook_id VARCHAR, event_id VARCHAR, attempt INTEGER, status VARCHAR, "
                        + "next_attempt_us BIGINT, last_status_code INTEGER, last_error VARCHAR, updated_us BIGINT)");
                st.execute("CREATE TEMP TABLE IF NOT EXISTS claims_stage (webhook_id VARCHAR, event_id VARCHAR)");
                nextDeliverySeq = maxPlusOne(st, "deliveries");
                nextAttemptSeq = maxPlusOne(st, "delivery_attempts");
            }
            return null;
        });
    }

    private static long maxPlusOne(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) + 1 FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- creation, inside the ingest transaction (writer thread) ----

    @Override
    public List<QueuedDelivery> queue(Connection connection, List<NewEvent> accepted, FanOut fanOut) throws SQLException {
        List<QueuedDelivery> queued = new ArrayList<>();
        if (accepted.isEmpty()) return queued;
        long now = Micros.of(clock.instant());
        long leaseUntil = now + initialLease.toNanos() / 1000;
        DuckDBAppender appender = null;
        try {
            for (NewEvent e : accepted) {
                for (String webhookId : fanOut.webhooksFor(e)) {
                    if (appender == null) appender = ((DuckDBConnection) connection).createAppender("main", "deliveries");
                    String messageId = ids.timeOrdered("msg_");
                    appender.beginRow().append(webhookId).append(e.eventId()).append(e.tenant()).append(messageId).append(e.eventType())
                            .append("pending").append(0).append(0).append(false).append(now).append(leaseUntil).appendNull().appendNull()
                            .append(now).append(now).append(nextDeliverySeq++).endRow();
                    queued.add(new QueuedDelivery(e.tenant(), webhookId, e.eventId(), messageId));
                }
            }
            if (appender != null) appender.flush();
        } finally {
            if (appender != null) appender.close();
        }
        return queued;
    }

    // ---- claims ----

    @Override
    public List<DeliveryJob> claimDue(Instant now, Instant leaseUntil, int limit, int perWebhook, Set<String> skipWebhooks) {
        return Awaits.await(writer.submit(c -> {
            String skip = skipWebhooks.isEmpty() ? "" : " AND webhook_id NOT IN (" + String.join(",", java.util.Collections.nCopies(skipWebhooks.size(), "?")) + ")";
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO claims_stage
                    SELECT webhook_id, event_id FROM (
                        SELECT webhook_id, event_id, next_attempt_us,
                               row_number() OVER (PARTITION BY webhook_id ORDER BY next_attempt_us, seq) AS rn
                        FROM deliveries
                        WHERE status = 'pending' AND next_attempt_us <= ? AND (lease_until_us IS NULL OR lease_until_us <= ?)""" + skip + """
                    ) WHERE rn <= ? ORDER BY next_attempt_us LIMIT ?""")) {
                int i = 1;
                ps.setLong(i++, Micros.of(now));
                ps.setLong(i++, Micros.of(now));
                for (String id : skipWebhooks) ps.setString(i++, id);
                ps.setInt(i++, perWebhook);
                ps.setInt(i, limit);
                if (ps.executeUpdate() == 0) return List.<DeliveryJob>of();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET lease_until_us = ? FROM claims_stage s
                    WHERE deliveries.webhook_id = s.webhook_id AND deliveries.event_id = s.event_id""")) {
                ps.setLong(1, Micros.of(leaseUntil));
                ps.executeUpdate();
            }
            List<DeliveryJob> jobs = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         SELECT d.tenant, d.webhook_id, d.event_id, d.message_id, d.event_type, d.attempts, d.budget_base, e.body, d.requeued
                         FROM claims_stage s
                         JOIN deliveries d ON d.webhook_id = s.webhook_id AND d.event_id = s.event_id
                         JOIN events e ON e.tenant = d.tenant AND e.event_id = d.event_id""")) {
                while (rs.next()) {
                    int attempts = rs.getInt(6);
                    int base = rs.getInt(7);
                    Trigger trigger = rs.getBoolean(9) ? Trigger.MANUAL : attempts == 0 ? Trigger.INLINE : Trigger.RETRY;
                    jobs.add(new DeliveryJob(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            attempts + 1, attempts + 1 - base, trigger, rs.getString(8)));
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM claims_stage");
            }
            return jobs;
        }));
    }

    @Override
    public void releaseLeases(Collection<DeliveryKey> keys) {
        if (keys.isEmpty()) return;
        Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET lease_until_us = NULL WHERE webhook_id = ? AND event_id = ? AND status = 'pending'")) {
                for (DeliveryKey k : keys) {
                    ps.setString(1, k.webhookId());
                    ps.setString(2, k.eventId());
                    ps.executeUpdate();
                }
            }
            return null;
        }));
    }

    @Override
    public void releaseAllLeases() {
        Awaits.await(writer.submit(c -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("UPDATE deliveries SET lease_until_us = NULL WHERE status = 'pending' AND lease_until_us IS NOT NULL");
            }
        }));
    }

    // ---- outcomes (merged per commit) ----

    private record Outcome(AttemptRecord record, Runnable afterCommit, OutcomeKind kind) implements GroupCommitWriter.Batchable<Void> {
    }

    @Override
    public CompletableFuture<Void> record(AttemptRecord record, Runnable afterCommit) {
        return writer.submitBatchable(new Outcome(record, afterCommit, outcomeKind), null);
    }

    @Override
    public CompletableFuture<Void> parkRemoved(DeliveryKey key, Instant now) {
        return writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET status = 'dead', last_error = ?, next_attempt_us = NULL, lease_until_us = NULL, updated_us = ?
                    WHERE webhook_id = ? AND event_id = ? AND status = 'pending'""")) {
                ps.setString(1, DuckDbWebhookStore.WEBHOOK_REMOVED);
                ps.setLong(2, Micros.of(now));
                ps.setString(3, key.webhookId());
                ps.setString(4, key.eventId());
                ps.executeUpdate();
                return null;
            }
        });
    }

    @Override
    public void appendLog(List<AttemptRecord> records) {
        List<CompletableFuture<Void>> futures = records.stream().map(r -> record(r, () -> { })).toList();
        futures.forEach(Awaits::await);
    }

    private final class OutcomeKind implements GroupCommitWriter.BatchKind<Void> {
        @Override
        public GroupCommitWriter.BatchResult<Void> runAll(Connection c, List<? extends GroupCommitWriter.Batchable<Void>> items) throws SQLException {
            List<Outcome> outcomes = items.stream().map(Outcome.class::cast).toList();
            // Recording the same attempt twice must count once: the delivery's attempt count only moves
            // forward, and a log row is written only for an outcome that moved it.
            Map<DeliveryKey, AttemptRecord> latest = new LinkedHashMap<>();
            List<AttemptRecord> log = new ArrayList<>();
            for (Outcome o : outcomes) {
                AttemptRecord r = o.record;
                if (r.trigger() == Trigger.TEST) log.add(r);
                else latest.merge(new DeliveryKey(r.webhookId(), r.eventId()), r, (a, b) -> b.attempt() > a.attempt() ? b : a);
            }
            DuckDBConnection dc = (DuckDBConnection) c;
            if (!latest.isEmpty()) {
                try (DuckDBAppender ap = dc.createAppender("temp", "main", "outcomes_stage")) {
                    for (AttemptRecord r : latest.values()) {
                        ap.beginRow().append(r.webhookId()).append(r.eventId()).append(r.attempt()).append(r.newStatus().wireName());
                        if (r.nextAttemptAt().isPresent()) ap.append(Micros.of(r.nextAttemptAt().get()));
                        else ap.appendNull();
                        if (r.statusCode().isPresent()) ap.append(r.statusCode().get().intValue());
                        else ap.appendNull();
                        if (r.success() || r.error().isEmpty()) ap.appendNull();
                        else ap.append(r.error().get());
                        ap.append(Micros.of(r.attemptedAt())).endRow();
                    }
                }
                try (Statement st = c.createStatement()) {
                    // A delivery parked meanwhile (webhook removed) keeps its state; only its count moves.
                    try (ResultSet rs = st.executeQuery("""
                            UPDATE deliveries SET attempts = s.attempt, requeued = false,
                                status = CASE WHEN deliveries.status = 'pending' THEN s.status ELSE deliveries.status END,
                                next_attempt_us = CASE WHEN deliveries.status = 'pending' THEN s.next_attempt_us ELSE deliveries.next_attempt_us END,
                                last_status_code = CASE WHEN deliveries.status = 'pending' THEN s.last_status_code ELSE deliveries.last_status_code END,
                                last_error = CASE WHEN deliveries.status = 'pending' THEN s.last_error ELSE deliveries.last_error END,
                                updated_us = CASE WHEN deliveries.status = 'pending' THEN s.updated_us ELSE deliveries.updated_us END,
                                lease_until_us = NULL
                            FROM outcomes_stage s
                            WHERE deliveries.webhook_id = s.webhook_id AND deliveries.event_id = s.event_id AND deliveries.attempts < s.attempt
                            RETURNING deliveries.webhook_id, deliveries.event_id""")) {
                        while (rs.next()) log.add(latest.get(new DeliveryKey(rs.getString(1), rs.getString(2))));
                    }
                    st.execute("DELETE FROM outcomes_stage");
                }
            }
            if (!log.isEmpty()) {
                try (DuckDBAppender ap = dc.createAppender("main", "delivery_attempts")) {
                    for (AttemptRecord r : log) {
                        ap.beginRow().append(r.attemptId()).append(nextAttemptSeq++).append(r.tenant()).append(r.webhookId()).append(r.eventId())
                                .append(r.messageId()).append(r.attempt()).append(r.trigger().wireName());
                        if (r.statusCode().isPresent()) ap.append(r.statusCode().get().intValue());
                        else ap.appendNull();
                        ap.append(r.success());
                        if (r.error().isPresent()) ap.append(r.error().get());
                        else ap.appendNull();
                        ap.append(r.durationMillis()).append(r.responseBody()).append(Micros.of(r.attemptedAt())).endRow();
                    }
                }
            }
            for (AttemptRecord r : latest.values()) {
                if (r.disableWebhookReason().isPresent()) disableWebhook(c, r.webhookId(), r.disableWebhookReason().get(), Micros.of(r.attemptedAt()));
            }
            List<Void> results = new ArrayList<>(outcomes.size());
            for (int i = 0; i < outcomes.size(); i++) results.add(null);
            return new GroupCommitWriter.BatchResult<>(results, () -> outcomes.forEach(o -> o.afterCommit.run()));
        }
    }

    private static void disableWebhook(Connection c, String webhookId, String reason, long nowMicros) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET active = false, disabled_reason = ?, updated_us = ? WHERE id = ? AND active")) {
            ps.setString(1, reason);
            ps.setLong(2, nowMicros);
            ps.setString(3, webhookId);
            ps.executeUpdate();
        }
        DuckDbWebhookStore.parkPending(c, webhookId, nowMicros);
    }

    // ---- reads and manual actions ----

    @Override
    public Page<Delivery> list(String tenant, String webhookId, Optional<DeliveryStatus> status, PageRequest page) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DELIVERY_COLUMNS + " FROM deliveries "
                    + "WHERE tenant = ? AND webhook_id = ? AND seq < ? AND (CAST(? AS VARCHAR) IS NULL OR status = ?) ORDER BY seq DESC LIMIT ?")) {
                ps.setString(1, tenant);
                ps.setString(2, webhookId);
                ps.setLong(3, page.before().orElse(Long.MAX_VALUE));
                String s = status.map(DeliveryStatus::wireName).orElse(null);
                ps.setString(4, s);
                ps.setString(5, s);
                ps.setInt(6, page.limit() + 1);
                List<Delivery> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(delivery(rs));
                }
                return DuckDbEventStore.page(rows, page.limit(), Delivery::seq);
            }
        });
    }

    @Override
    public Optional<Delivery> find(String tenant, String webhookId, String eventId) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DELIVERY_COLUMNS + " FROM deliveries WHERE tenant = ? AND webhook_id = ? AND event_id = ?")) {
                ps.setString(1, tenant);
                ps.setString(2, webhookId);
                ps.setString(3, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(delivery(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<AttemptLogEntry> attempts(String tenant, String webhookId, String eventId) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ATTEMPT_COLUMNS + " FROM delivery_attempts "
                    + "WHERE tenant = ? AND webhook_id = ? AND event_id = ? AND trigger <> 'test' ORDER BY attempt, seq")) {
                ps.setString(1, tenant);
                ps.setString(2, webhookId);
                ps.setString(3, eventId);
                return attemptRows(ps);
            }
        });
    }

    @Override
    public List<AttemptLogEntry> logs(String tenant, String webhookId, int limit) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ATTEMPT_COLUMNS + " FROM delivery_attempts "
                    + "WHERE tenant = ? AND webhook_id = ? ORDER BY seq DESC LIMIT ?")) {
                ps.setString(1, tenant);
                ps.setString(2, webhookId);
                ps.setInt(3, limit);
                return attemptRows(ps);
            }
        });
    }

    @Override
    public boolean retry(String tenant, String webhookId, String eventId, Instant now) {
        return requeueDead(tenant, webhookId, now, "event_id = ?", eventId) > 0;
    }

    @Override
    public int recover(String tenant, String webhookId, Instant since, Instant now) {
        return requeueDead(tenant, webhookId, now, "updated_us >= ?", Micros.of(since));
    }

    /** Dead deliveries matching {@code condition} become due now with a fresh attempt budget. */
    private int requeueDead(String tenant, String webhookId, Instant now, String condition, Object conditionValue) {
        return Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET status = 'pending', budget_base = attempts, requeued = true, next_attempt_us = ?, lease_until_us = NULL,
                        updated_us = ?
                    WHERE tenant = ? AND webhook_id = ? AND status = 'dead' AND\s""" + condition)) {
                long n = Micros.of(now);
                ps.setLong(1, n);
                ps.setLong(2, n);
                ps.setString(3, tenant);
                ps.setString(4, webhookId);
                ps.setObject(5, conditionValue);
                return ps.executeUpdate();
            }
        }));
    }

    @Override
    public int pruneAttempts(Instant before) {
        return Awaits.await(writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM delivery_attempts WHERE attempted_us < ?")) {
                ps.setLong(1, Micros.of(before));
                return ps.executeUpdate();
            }
        }));
    }

    private static List<AttemptLogEntry> attemptRows(PreparedStatement ps) throws SQLException {
        List<AttemptLogEntry> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int code = rs.getInt(7);
                Optional<Integer> statusCode = rs.wasNull() ? Optional.empty() : Optional.of(code);
                rows.add(new AttemptLogEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        Trigger.fromWire(rs.getString(6)), statusCode, rs.getBoolean(8), Optional.ofNullable(rs.getString(9)),
                        rs.getLong(10), rs.getString(11), Micros.toInstant(rs.getLong(12))));
            }
        }
        return rows;
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
