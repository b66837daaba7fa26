package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlLiterals;
import dev.eventwire.store.EventReads;
import dev.eventwire.store.EventTypeQuery;
import dev.eventwire.store.ReceivedBetweenQuery;
import dev.eventwire.store.Micros;
import dev.eventwire.store.Pages;
import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.EventQuery;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventTypeStats;
import dev.eventwire.ingest.EventKey;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.ingest.IngestUnit;
import dev.eventwire.ingest.PlannedDelivery;
import dev.eventwire.metrics.Contribution;
import dev.eventwire.metrics.MetricPoint;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The event log in DuckDB. Appends from concurrent requests are merged by the {@link GroupCommitWriter}
 * into one write per commit, whose content {@link IngestCommit} decides: the in-memory {@link EventIdIndex}
 * tells which ids are already stored, and the appender writes the rest, each with the record of the
 * deliveries it owes ({@link FanOutRecord}; the delivery writer writes their rows in the delivery file
 * right after), and their metric points. No table the ingest writer appends to has a DuckDB index, so
 * ingest commits do not wait for checkpoints to rewrite one.
 */
public final class DuckDbEventStore implements EventStore {
    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final DeliveryQueue deliveryQueue;
    private final DuckDbMetricStore metrics;
    private final IngestCommit commit;
    private final EventIdIndex ids;
    private final AppendKind appendKind = new AppendKind();
    /** Pairs appended in the open transaction, not in {@link #ids} until it commits (writer thread only). */
    private final Map<EventIdIndex.Fingerprint, Long> uncommitted = new HashMap<>();
    private long uncommittedTransaction = -1;
    private long nextEventSeq;
    private long nextRejectedSeq;
    /** Committed webhook sets by a hash of their content, most recently used last (writer thread only). */
    private final Map<WebhookSetKey, Long> webhookSets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<WebhookSetKey, Long> eldest) {
            return size() > MAX_CACHED_SETS;
        }
    };
    private static final int MAX_CACHED_SETS = 4096;
    private long nextSetId;

    public DuckDbEventStore(DuckDbDatabase database, GroupCommitWriter writer, DeliveryQueue deliveryQueue, DuckDbMetricStore metrics,
                            IngestCommit commit, EventIdIndex ids) {
        this.database = database;
        this.writer = writer;
        this.deliveryQueue = deliveryQueue;
        this.metrics = metrics;
        this.commit = commit;
        this.ids = ids;
        writer.runNow(c -> {
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM events")) {
                    rs.next();
                    nextEventSeq = rs.getLong(1) + 1;
                }
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM rejected_events")) {
                    rs.next();
                    nextRejectedSeq = rs.getLong(1) + 1;
                }
                try (ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM fan_out_sets")) {
                    rs.next();
                    nextSetId = rs.getLong(1) + 1;
                }
            }
            return null;
        });
    }

    /** One request's events and rejected events; merged with its neighbours in the same commit. */
    private record Append(List<NewEvent> events, List<RejectedEvent> rejected, AppendKind kind)
            implements GroupCommitWriter.Batchable<List<AppendOutcome>> {
    }

    @Override
    public CompletableFuture<List<AppendOutcome>> append(List<NewEvent> events, List<RejectedEvent> rejected) {
        return writer.submitBatchable(new Append(events, rejected, appendKind), null);
    }

    /** Runs on the writer thread with the transaction open. */
    private final class AppendKind implements GroupCommitWriter.BatchKind<List<AppendOutcome>> {
        @Override
        public GroupCommitWriter.BatchResult<List<AppendOutcome>> runAll(Connection connection, List<? extends GroupCommitWriter.Batchable<List<AppendOutcome>>> items) throws SQLException {
            List<Append> appends = items.stream().map(Append.class::cast).toList();
            List<RejectedEvent> rejected = appends.stream().flatMap(a -> a.rejected.stream()).toList();
            try {
                Unit unit = new Unit(connection);
                IngestCommit.Result result = commit.write(unit, appends.stream().map(Append::events).toList(), rejected);
                // The index and the delivery writer learn of the new events before anyone is told they are accepted.
                long lastSeq = unit.lastSeq;
                return new GroupCommitWriter.BatchResult<>(result.outcomes(), () -> {
                    unit.appended.forEach(ids::put);
                    webhookSets.putAll(unit.newSets);
                    deliveryQueue.logged(lastSeq);
                    result.afterCommit().run();
                });
            } catch (IngestUnit.UnitFailure failure) {
                throw (SQLException) failure.getCause();
            }
        }
    }

    /** An accepted event of the open transaction, written when the commit plan is complete; with the deliveries it owes, if any. */
    private record LoggedEvent(NewEvent event, long seq) {
    }

    /** The deliveries an event owes: the first one's number and the record of all. */
    private record Owed(long from, FanOutRecord record) {
    }

    /** A webhook set by a 128-bit hash of its content: the cache keeps no copy of the ids. */
    private record WebhookSetKey(long high, long low) {
        static WebhookSetKey of(String webhooks) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(webhooks.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(d);
                return new WebhookSetKey(b.getLong(), b.getLong());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The open ingest transaction, as the commit plan sees it. */
    private final class Unit implements IngestUnit {
        private final Connection connection;
        private final Map<EventIdIndex.Fingerprint, Long> appended = new HashMap<>();
        private final List<LoggedEvent> accepted = new ArrayList<>();
        private final Map<Long, Owed> owed = new HashMap<>();
        /** Webhook sets first written in this transaction: by key, and their rows. */
        private final Map<WebhookSetKey, Long> newSets = new HashMap<>();
        private final Map<Long, String> newSetRows = new LinkedHashMap<>();
        private long lastSeq;

        Unit(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Map<EventKey, Long> appendNew(List<NewEvent> candidates) {
            return acceptNew(candidates, appended, accepted);
        }

        @Override
        public List<QueuedDelivery> queue(List<PlannedDelivery> deliveries) {
            Map<Long, List<PlannedDelivery>> byEvent = new LinkedHashMap<>();
            for (PlannedDelivery d : deliveries) byEvent.computeIfAbsent(d.eventSeq(), k -> new ArrayList<>()).add(d);
            List<QueuedDelivery> queued = new ArrayList<>(deliveries.size());
            for (Map.Entry<Long, List<PlannedDelivery>> e : byEvent.entrySet()) {
                List<PlannedDelivery> ofEvent = e.getValue();
                long from = deliveryQueue.allocate(ofEvent.size());
                owed.put(e.getKey(), new Owed(from, FanOutRecord.of(webhookSet(ofEvent), ofEvent)));
                for (int i = 0; i < ofEvent.size(); i++) {
                    PlannedDelivery d = ofEvent.get(i);
                    queued.add(new QueuedDelivery(d.event().tenant(), d.webhookId(), d.event().eventId(), d.messageId(), d.inline(), from + i, 0L));
                }
            }
            return queued;
        }

        /** The id of the set of webhooks these deliveries go to: one already written, or a new one written with this transaction. */
        private long webhookSet(List<PlannedDelivery> ofEvent) {
            String webhooks = FanOutRecord.webhooks(ofEvent);
            WebhookSetKey key = WebhookSetKey.of(webhooks);
            Long id = webhookSets.get(key);
            if (id == null) id = newSets.get(key);
            if (id == null) {
                id = nextSetId++;
                newSets.put(key, id);
                newSetRows.put(id, webhooks);
            }
            return id;
        }

        @Override
        public void complete() {
            sql(() -> {
                if (!newSetRows.isEmpty()) {
                    try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender(DuckDbDatabase.CATALOG, "main", "fan_out_sets")) {
                        for (Map.Entry<Long, String> set : newSetRows.entrySet()) appender.beginRow().append(set.getKey()).append(set.getValue()).endRow();
                    }
                }
                writeAccepted(connection, accepted, owed);
                return null;
            });
            if (!accepted.isEmpty()) lastSeq = accepted.getLast().seq();
        }

        @Override
        public void appendRejected(List<RejectedEvent> rejected) {
            sql(() -> {
                insertRejected(connection, rejected);
                return null;
            });
        }

        @Override
        public List<Contribution> appendPoints(List<MetricPoint> points) {
            return sql(() -> metrics.append(connection, points));
        }

        private static <T> T sql(SqlCall<T> call) {
            try {
                return call.run();
            } catch (SQLException e) {
                throw new IngestUnit.UnitFailure(e);
            }
        }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T run() throws SQLException;
    }

    /**
     * Numbers the events not stored yet and adds them to {@code accepted} (written by {@link Unit#complete()});
     * returns the key and log position of each one and adds it to {@code appended}. Only this writer
     * appends events, so checking the index and then appending cannot race; appends earlier in the same
     * transaction are seen through {@link #uncommitted()}.
     */
    private Map<EventKey, Long> acceptNew(List<NewEvent> events, Map<EventIdIndex.Fingerprint, Long> appended, List<LoggedEvent> accepted) {
        Map<EventIdIndex.Fingerprint, Long> inTransaction = uncommitted();
        Map<EventKey, Long> inserted = new HashMap<>();
        for (NewEvent e : events) {
            EventIdIndex.Fingerprint f = EventIdIndex.Fingerprint.of(e.tenant(), e.eventId());
            if (inTransaction.containsKey(f) || ids.positionOf(f).isPresent()) continue;
            long seq = nextEventSeq++;
            accepted.add(new LoggedEvent(e, seq));
            inTransaction.put(f, seq);
            appended.put(f, seq);
            inserted.put(EventKey.of(e), seq);
        }
        return inserted;
    }

    /** Appends the accepted events, each with the record of the deliveries it owes. */
    private static void writeAccepted(Connection connection, List<LoggedEvent> accepted, Map<Long, Owed> owed) throws SQLException {
        if (accepted.isEmpty()) return;
        try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender(DuckDbDatabase.CATALOG, "main", "events")) {
            for (LoggedEvent logged : accepted) {
                NewEvent e = logged.event();
                long seq = logged.seq();
                appender.beginRow()
                        .append(seq)
                        .append(e.tenant())
                        .append(e.eventId())
                        .append(e.eventType());
                if (e.entityId().isPresent()) appender.append(e.entityId().get());
                else appender.appendNull();
                appender.append(Micros.of(e.occurredAt()))
                        .append(Micros.of(e.receivedAt()))
                        .append(e.body());
                Owed deliveries = owed.get(seq);
                if (deliveries == null) appender.appendNull().appendNull();
                else appender.append(deliveries.from()).append(deliveries.record().text());
                appender.endRow();
            }
            appender.flush();
        }
    }

    /** The events appended in the transaction now open; forgotten when a new one begins (a failed one rolled back). */
    private Map<EventIdIndex.Fingerprint, Long> uncommitted() {
        if (writer.transaction() != uncommittedTransaction) {
            uncommitted.clear();
            uncommittedTransaction = writer.transaction();
        }
        return uncommitted;
    }

    private void insertRejected(Connection connection, List<RejectedEvent> rejected) throws SQLException {
        if (rejected.isEmpty()) return;
        try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender(DuckDbDatabase.CATALOG, "main", "rejected_events")) {
            for (RejectedEvent r : rejected) {
                appender.beginRow()
                        .append(nextRejectedSeq++)
                        .append(r.tenant())
                        .append(Micros.of(r.receivedAt()))
                        .append(r.error().code())
                        .append(r.error().message());
                if (r.error().field() == null) appender.appendNull();
                else appender.append(r.error().field());
                appender.append(r.body()).endRow();
            }
            appender.flush();
        }
    }

    @Override
    public Optional<StoredEvent> find(String tenant, String eventId) {
        if (eventId.indexOf('\u0000') >= 0) return Optional.empty(); // no stored id has one
        java.util.OptionalLong seq = ids.positionOf(EventIdIndex.Fingerprint.of(tenant, eventId));
        if (seq.isEmpty()) return Optional.empty();
        return database.read(c -> {
            // A literal position: DuckDB then reads only the row group whose range holds it.
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, event_id, event_type, received_us, body FROM events WHERE seq = " + seq.getAsLong()
                         + " AND tenant = " + SqlLiterals.string(tenant) + " AND event_id = " + SqlLiterals.string(eventId))) {
                return rs.next() ? Optional.of(EventReads.storedEvent(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public Page<StoredEvent> list(EventQuery query) {
        return database.read(c -> EventReads.list(c, query));
    }

    @Override
    public Page<RejectedEvent> listRejected(String tenant, PageRequest page) {
        return database.read(c -> EventReads.listRejected(c, tenant, page));
    }

    @Override
    public List<StoredEvent> receivedBetween(String tenant, java.time.Instant since, java.time.Instant until, long afterSeq, int limit) {
        return database.read(c -> ReceivedBetweenQuery.run(c, tenant, since, until, afterSeq, limit));
    }

    @Override
    public List<EventTypeStats> eventTypes(String tenant, java.time.Instant since, int limit) {
        return database.read(c -> EventTypeQuery.run(c, tenant, since, limit));
    }
}
