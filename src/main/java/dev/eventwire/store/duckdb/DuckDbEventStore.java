package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlLiterals;
import dev.eventwire.store.EventReads;
import dev.eventwire.store.EventTypeQuery;
import dev.eventwire.store.ReceivedBetweenQuery;
import dev.eventwire.store.Micros;
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
import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
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

/**
 * The event log in DuckDB, written behind a journal. Appends from concurrent requests are merged by the
 * {@link IngestSequencer} into one group, whose content {@link IngestCommit} decides: the in-memory
 * {@link EventIdIndex} tells which ids are already stored; the rest are numbered, each with the record
 * of the deliveries it owes ({@link FanOutRecord}), and their metric points. The group is forced to the
 * {@link IngestJournal} and then acknowledged; the {@link EventLogApplier} writes it into DuckDB behind,
 * and reads wait until DuckDB holds every group journaled when they began (see docs/ingest-journal.md).
 */
public final class DuckDbEventStore implements EventStore, AutoCloseable {
    private final DuckDbDatabase database;
    private final EventLogApplier eventLog;
    private final DeliveryQueue deliveryQueue;
    private final IngestCommit commit;
    private final EventIdIndex ids;
    private final IngestSequencer<Append, List<AppendOutcome>> sequencer;
    private final CommitObserver observer;
    private final SlowCommits slowWrites = new SlowCommits(org.slf4j.LoggerFactory.getLogger(DuckDbEventStore.class), SEQUENCER);
    private final SlowAcknowledgements slowAcknowledgements = new SlowAcknowledgements(org.slf4j.LoggerFactory.getLogger(DuckDbEventStore.class));
    private static final String SEQUENCER = "eventwire-ingest-journal";
    /** Numbers, taken by the sequencer thread only. */
    private long nextEventSeq;
    private long nextRejectedSeq;
    private long nextSetId;
    private long nextPointSeq;
    /** Journaled webhook sets by a hash of their content, most recently used last (sequencer thread only). */
    private final Map<WebhookSetKey, Long> webhookSets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<WebhookSetKey, Long> eldest) {
            return size() > MAX_CACHED_SETS;
        }
    };
    private static final int MAX_CACHED_SETS = 4096;

    /** {@code observer}: told how long each group's journal write took (writer {@code ingest-journal}). */
    DuckDbEventStore(DuckDbDatabase database, GroupCommitWriter writer, EventLogApplier eventLog, DeliveryQueue deliveryQueue,
                     IngestCommit commit, EventIdIndex ids, CommitObserver observer) {
        this.database = database;
        this.observer = observer;
        this.eventLog = eventLog;
        this.deliveryQueue = deliveryQueue;
        this.commit = commit;
        this.ids = ids;
        writer.runNow(c -> {
            try (Statement st = c.createStatement()) {
                nextEventSeq = maxPlusOne(st, "SELECT coalesce(max(seq), 0) FROM events");
                nextRejectedSeq = maxPlusOne(st, "SELECT coalesce(max(seq), 0) FROM rejected_events");
                nextSetId = maxPlusOne(st, "SELECT coalesce(max(id), 0) FROM fan_out_sets");
                nextPointSeq = maxPlusOne(st, "SELECT coalesce(max(seq), 0) FROM metric_points");
            }
            return null;
        });
        this.sequencer = new IngestSequencer<>(SEQUENCER, GroupCommitWriter.DEFAULT_GROUP_SIZE, this::journal, eventLog::housekeeping,
                EventLogApplier.APPLY_INTERVAL);
    }

    private static long maxPlusOne(Statement st, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1) + 1;
        }
    }

    /**
     * One request's events and rejected events; merged with its neighbours in the same group. With how long
     * it waited to be admitted and when it was queued (System.nanoTime), to say where a slow one waited.
     */
    private record Append(List<NewEvent> events, List<RejectedEvent> rejected, long admissionNanos, long queuedAtNanos) {
        /** Its wait so far, at {@code nowNanos}. */
        long waitedNanos(long nowNanos) {
            return admissionNanos + nowNanos - queuedAtNanos;
        }
    }

    @Override
    public CompletableFuture<List<AppendOutcome>> append(List<NewEvent> events, List<RejectedEvent> rejected) {
        long bytes = events.stream().mapToLong(e -> e.body().length() + 128L).sum() + rejected.stream().mapToLong(r -> r.body().length() + 128L).sum();
        Runnable answered;
        long arrived = System.nanoTime();
        try {
            answered = eventLog.admit(bytes);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        long queued = System.nanoTime();
        return sequencer.submit(new Append(events, rejected, queued - arrived, queued)).whenComplete((outcomes, failure) -> answered.run());
    }

    /** Plans one group, journals it, and tells the index and the listeners; on the sequencer thread. */
    private List<List<AppendOutcome>> journal(List<Append> appends) {
        long begun = System.nanoTime();
        long[] numbers = {nextEventSeq, nextRejectedSeq, nextSetId, nextPointSeq};
        Plan plan = new Plan();
        IngestCommit.Result result;
        long planned;
        long journaled;
        try {
            List<RejectedEvent> rejected = appends.stream().flatMap(a -> a.rejected.stream()).toList();
            result = commit.write(plan, appends.stream().map(Append::events).toList(), rejected);
            JournaledGroup group = plan.group(eventLog.nextGroup());
            planned = System.nanoTime();
            if (!group.isEmpty()) {
                eventLog.journal(group);
                long nanos = System.nanoTime() - planned;
                observer.committed(SEQUENCER, nanos);
                slowWrites.committed(nanos / 1_000_000, appends.size(), System.nanoTime());
            }
            journaled = System.nanoTime();
        } catch (RuntimeException e) {
            // Nothing of this group is journaled: its numbers are free again.
            nextEventSeq = numbers[0];
            nextRejectedSeq = numbers[1];
            nextSetId = numbers[2];
            nextPointSeq = numbers[3];
            throw e;
        }
        // The index learns of the new events before anyone is told they are accepted.
        plan.appended.forEach(ids::put);
        webhookSets.putAll(plan.newSets);
        try {
            result.afterCommit().run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DuckDbEventStore.class).error("after-journal hook failed", e);
        }
        long handedOn = System.nanoTime();
        Append slowest = appends.stream().max(java.util.Comparator.comparingLong(a -> a.waitedNanos(begun))).orElseThrow();
        slowAcknowledgements.acknowledged(new SlowAcknowledgements.Stages(millis(slowest.admissionNanos()), millis(begun - slowest.queuedAtNanos()),
                millis(planned - begun), millis(journaled - planned), millis(handedOn - journaled), appends.size()), handedOn);
        return result.outcomes();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** An event this group stores, with its log position. */
    private record Numbered(NewEvent event, long seq) {
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

    /** The group being planned, as the commit plan sees it: rows in memory, numbered, journaled when complete. */
    private final class Plan implements IngestUnit {
        private final Map<EventIdIndex.Fingerprint, Long> appended = new HashMap<>();
        /** The events numbered by this plan, with their numbers, in order. */
        private final List<Numbered> accepted = new ArrayList<>();
        private final Map<Long, Owed> owed = new HashMap<>();
        private final List<JournaledGroup.EventRow> events = new ArrayList<>();
        private final List<JournaledGroup.RejectedRow> rejected = new ArrayList<>();
        private final List<JournaledGroup.PointRow> points = new ArrayList<>();
        /** Webhook sets first written in this group: by key, and their rows. */
        private final Map<WebhookSetKey, Long> newSets = new HashMap<>();
        private final List<JournaledGroup.SetRow> newSetRows = new ArrayList<>();

        /**
         * Numbers the events not stored yet; returns the key and log position of each. Only this thread
         * numbers events, so checking the index and then numbering cannot race; earlier events of the same
         * group are seen through {@link #appended}.
         */
        @Override
        public Map<EventKey, Long> appendNew(List<NewEvent> candidates) {
            Map<EventKey, Long> inserted = new HashMap<>();
            for (NewEvent e : candidates) {
                EventIdIndex.Fingerprint f = EventIdIndex.Fingerprint.of(e.tenant(), e.eventId());
                if (appended.containsKey(f) || ids.positionOf(f).isPresent()) continue;
                long seq = nextEventSeq++;
                accepted.add(new Numbered(e, seq));
                appended.put(f, seq);
                inserted.put(EventKey.of(e), seq);
            }
            return inserted;
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
                    if (!d.inline()) deliveryQueue.leftInStore(e.getKey());
                }
            }
            return queued;
        }

        /** The id of the set of webhooks these deliveries go to: one already journaled, or a new one journaled with this group. */
        private long webhookSet(List<PlannedDelivery> ofEvent) {
            String webhooks = FanOutRecord.webhooks(ofEvent);
            WebhookSetKey key = WebhookSetKey.of(webhooks);
            Long id = webhookSets.get(key);
            if (id == null) id = newSets.get(key);
            if (id == null) {
                id = nextSetId++;
                newSets.put(key, id);
                newSetRows.add(new JournaledGroup.SetRow(id, webhooks));
            }
            return id;
        }

        @Override
        public void appendRejected(List<RejectedEvent> refused) {
            for (RejectedEvent r : refused) {
                rejected.add(new JournaledGroup.RejectedRow(nextRejectedSeq++, r.tenant(), Micros.of(r.receivedAt()), r.error().code(),
                        r.error().message(), r.error().field(), r.body()));
            }
        }

        @Override
        public List<Contribution> appendPoints(List<MetricPoint> metricPoints) {
            List<Contribution> numbered = new ArrayList<>(metricPoints.size());
            for (MetricPoint p : metricPoints) {
                long seq = nextPointSeq++;
                points.add(new JournaledGroup.PointRow(seq, p.tenant(), p.metric(), p.occurredMicros(), p.value().orElse(null), p.distinctValue().orElse(null)));
                numbered.add(new Contribution(seq, p));
            }
            return numbered;
        }

        /** Each accepted event with the record of the deliveries it owes, once the plan is complete. */
        @Override
        public void complete() {
            for (Numbered n : accepted) {
                NewEvent e = n.event();
                long seq = n.seq();
                Owed deliveries = owed.get(seq);
                events.add(new JournaledGroup.EventRow(seq, e.tenant(), e.eventId(), e.eventType(), e.entityId().orElse(null),
                        Micros.of(e.occurredAt()), Micros.of(e.receivedAt()), e.body(),
                        deliveries == null ? null : deliveries.from(), deliveries == null ? null : deliveries.record().text()));
            }
        }

        JournaledGroup group(long seq) {
            return new JournaledGroup(seq, newSetRows, events, rejected, points);
        }
    }

    /** Stops acknowledging: requests queued are journaled first. */
    @Override
    public void close() {
        sequencer.close();
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
    public List<EventTypeStats> eventTypes(String tenant, java.time.Instant since, java.util.Optional<String> after, int limit) {
        return database.read(c -> EventTypeQuery.run(c, tenant, since, after, limit));
    }
}
