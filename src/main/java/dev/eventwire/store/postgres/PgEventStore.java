package dev.eventwire.store.postgres;

import dev.eventwire.support.CommitObserver;
import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.EventQuery;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventTypeStats;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.ingest.EventKey;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.ingest.IngestUnit;
import dev.eventwire.ingest.PlannedDelivery;
import dev.eventwire.metrics.Contribution;
import dev.eventwire.metrics.MetricPoint;
import dev.eventwire.store.EventReads;
import dev.eventwire.store.EventTypeQuery;
import dev.eventwire.store.ReceivedBetweenQuery;
import dev.eventwire.store.Micros;
import dev.eventwire.store.Pages;
import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The event log in PostgreSQL. Concurrent appends are merged into shared transactions by a batcher;
 * each transaction inserts the new events with {@code ON CONFLICT DO NOTHING} (so two replicas taking the
 * same event id at once store it once, and only one of them queues its deliveries), then the content
 * {@link IngestCommit} decides: deliveries, rejected events, metric points.
 */
final class PgEventStore implements EventStore {
    /** One request's events and rejected events. */
    private record Append(List<NewEvent> events, List<RejectedEvent> rejected) {
    }

    private final PgDatabase database;
    private final PgDeliveryStore deliveries;
    private final PgMetricStore metrics;
    private final WebhookSync webhooks;
    private final IngestCommit commit;
    private final PgBatcher<Append, List<AppendOutcome>> batcher;

    PgEventStore(PgDatabase database, PgDeliveryStore deliveries, PgMetricStore metrics, WebhookSync webhooks, IngestCommit commit,
                 CommitObserver commits) {
        this.database = database;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.webhooks = webhooks;
        this.commit = commit;
        this.batcher = new PgBatcher<>(database, "eventwire-pg-ingest", 2, 512, this::write, commits);
    }

    void start() {
        batcher.start();
    }

    Optional<String> problem() {
        return batcher.problem();
    }

    void close() {
        batcher.close();
    }

    @Override
    public CompletableFuture<List<AppendOutcome>> append(List<NewEvent> events, List<RejectedEvent> rejected) {
        return batcher.submit(new Append(events, rejected));
    }

    private PgBatcher.Result<List<AppendOutcome>> write(Connection c, List<Append> appends) throws SQLException {
        List<RejectedEvent> rejected = appends.stream().flatMap(a -> a.rejected().stream()).toList();
        try {
            IngestCommit.Result result = commit.write(new Unit(c), appends.stream().map(Append::events).toList(), rejected);
            return new PgBatcher.Result<>(result.outcomes(), result.afterCommit());
        } catch (IngestUnit.UnitFailure failure) {
            throw (SQLException) failure.getCause();
        }
    }

    /** The open ingest transaction, as the commit plan sees it. */
    private final class Unit implements IngestUnit {
        private final Connection c;

        Unit(Connection c) {
            this.c = c;
        }

        @Override
        public Map<EventKey, Long> appendNew(List<NewEvent> candidates) {
            return sql(() -> insertNew(c, candidates));
        }

        @Override
        public void beforeFanOut() {
            sql(() -> {
                webhooks.syncForFanOut(c);
                return null;
            });
        }

        @Override
        public List<QueuedDelivery> queue(List<PlannedDelivery> planned) {
            return sql(() -> deliveries.queue(c, planned));
        }

        @Override
        public void appendRejected(List<RejectedEvent> rejected) {
            sql(() -> {
                insertRejected(c, rejected);
                return null;
            });
        }

        @Override
        public List<Contribution> appendPoints(List<MetricPoint> points) {
            return sql(() -> metrics.append(c, points));
        }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(SqlCall<T> call) {
        try {
            return call.run();
        } catch (SQLException e) {
            throw new IngestUnit.UnitFailure(e);
        }
    }

    /**
     * Inserts the events whose key is not stored yet and returns their log positions. Rows go in key
     * order, so two transactions inserting overlapping keys wait for each other instead of deadlocking.
     */
    private static Map<EventKey, Long> insertNew(Connection c, List<NewEvent> candidates) throws SQLException {
        List<NewEvent> sorted = candidates.stream()
                .sorted(Comparator.comparing(NewEvent::tenant).thenComparing(NewEvent::eventId)).toList();
        int n = sorted.size();
        String[] tenant = new String[n];
        String[] id = new String[n];
        String[] type = new String[n];
        String[] entity = new String[n];
        Long[] occurred = new Long[n];
        Long[] received = new Long[n];
        String[] body = new String[n];
        for (int i = 0; i < n; i++) {
            NewEvent e = sorted.get(i);
            tenant[i] = e.tenant();
            id[i] = e.eventId();
            type[i] = e.eventType();
            entity[i] = e.entityId().orElse(null);
            occurred[i] = Micros.of(e.occurredAt());
            received[i] = Micros.of(e.receivedAt());
            body[i] = e.body();
        }
        Map<EventKey, Long> inserted = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO events (tenant, event_id, event_type, entity_id, occurred_us, received_us, body)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[])
                ON CONFLICT (tenant, event_id) DO NOTHING RETURNING tenant, event_id, seq""")) {
            ps.setArray(1, c.createArrayOf("text", tenant));
            ps.setArray(2, c.createArrayOf("text", id));
            ps.setArray(3, c.createArrayOf("text", type));
            ps.setArray(4, c.createArrayOf("text", entity));
            ps.setArray(5, c.createArrayOf("bigint", occurred));
            ps.setArray(6, c.createArrayOf("bigint", received));
            ps.setArray(7, c.createArrayOf("text", body));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) inserted.put(new EventKey(rs.getString(1), rs.getString(2)), rs.getLong(3));
            }
        }
        return inserted;
    }

    private static void insertRejected(Connection c, List<RejectedEvent> rejected) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rejected_events (tenant, received_us, error_code, error_message, error_field, body) "
                + "VALUES (?, ?, ?, ?, ?, ?)")) {
            for (RejectedEvent r : rejected) {
                ps.setString(1, r.tenant());
                ps.setLong(2, Micros.of(r.receivedAt()));
                ps.setString(3, r.error().code());
                ps.setString(4, r.error().message());
                ps.setString(5, r.error().field());
                ps.setString(6, r.body());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Optional<StoredEvent> find(String tenant, String eventId) {
        if (eventId.indexOf('\u0000') >= 0) return Optional.empty(); // no stored id has one, and PostgreSQL text cannot hold one
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_id, event_type, received_us, body FROM events WHERE tenant = ? AND event_id = ?")) {
                ps.setString(1, tenant);
                ps.setString(2, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(EventReads.storedEvent(rs)) : Optional.empty();
                }
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
    public List<EventTypeStats> eventTypes(String tenant, java.time.Instant since, java.util.Optional<String> after, int limit) {
        return database.read(c -> EventTypeQuery.run(c, tenant, since, after, limit));
    }
}
