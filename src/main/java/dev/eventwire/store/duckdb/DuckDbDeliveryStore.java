package dev.eventwire.store.duckdb;

import dev.eventwire.store.AppliedOutcomes;
import dev.eventwire.store.SqlLiterals;
import dev.eventwire.store.DeliveryReads;
import dev.eventwire.store.Micros;
import dev.eventwire.store.Pages;
import dev.eventwire.delivery.AttemptLogEntry;
import dev.eventwire.delivery.AttemptRecord;
import dev.eventwire.delivery.Claim;
import dev.eventwire.delivery.Delivery;
import dev.eventwire.delivery.DeliveryJob;
import dev.eventwire.delivery.DeliveryKey;
import dev.eventwire.delivery.DeliveryStatus;
import dev.eventwire.delivery.DeliveryEffect;
import dev.eventwire.delivery.DeliveryEffects;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.delivery.WebhookHealthRule;
import dev.eventwire.store.UnreportedEffectsSql;
import dev.eventwire.store.WebhookHealthSql;
import dev.eventwire.delivery.ReplayDelivery;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.ingest.PlannedDelivery;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Deliveries and the attempt log in DuckDB's delivery file. The ingest commit records in the event log
 * the deliveries each accepted event owes ({@link DeliveryQueue}); every transaction of the delivery
 * writer begins by writing the delivery rows of the events logged since its last one, and a cursor in
 * the delivery file, moved in the same transaction, says how far that got — so a crash between the two
 * commits loses nothing, and the next start writes what is missing. Outcomes from many concurrent
 * attempts are merged by the group-commit writer and applied with one set-based UPDATE and one INSERT
 * per commit. Webhook health lives in the event log file, which the ingest writer alone writes: outcomes
 * that may change it hand it a follow-up.
 */
public final class DuckDbDeliveryStore implements DeliveryStore, DeliveryQueue {

    /** Both tables, pending first: a delivery is in exactly one of them. */
    private static final DeliveryReads READS = new DeliveryReads("(SELECT " + DeliveryReads.COLUMNS + ", tenant FROM delivery_queue UNION ALL SELECT "
            + DeliveryReads.COLUMNS + ", tenant FROM delivery_history)");

    /** Bounds on one claim: webhooks looked at, webhooks claimed whole in one scan, webhooks given a top-N scan each. */
    static final String WEBHOOK_REMOVED = "webhook removed";
    private static final int MAX_DUE_WEBHOOKS_PER_CLAIM = 1000;
    private static final int MAX_WHOLE_WEBHOOKS_PER_CLAIM = 500;
    private static final int MAX_PARTIAL_WEBHOOKS_PER_CLAIM = 16;
    /** DuckDB's row-group size: positions further apart than this fall in different row groups anyway. */
    private static final long ROW_GROUP_ROWS = 122_880;
    /** Logged events whose rows are written by a transaction of their own when nothing else writes them. */
    private static final long CATCH_UP_EVENTS = 1000;

    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final GroupCommitWriter ingestWriter;
    private final Runnable eventLogCaughtUp;
    private final WebhookHealthRule healthRule;
    private volatile DeliveryEffects effectsListener = DeliveryEffects.NONE;
    private final Ids ids;
    private final Clock clock;
    private final Duration initialLease;
    private final OutcomeKind outcomeKind = new OutcomeKind();
    /** Numbers deliveries; the ingest writer takes blocks for fan-outs, the delivery writer single ones for replays. */
    private final AtomicLong nextDeliverySeq = new AtomicLong();
    private long nextAttemptSeq;
    /** The highest event log position committed (set by the ingest writer after each commit). */
    private volatile long loggedUpTo;
    /** The event log position up to which delivery rows are committed here (written by the delivery writer's thread). */
    private volatile long committedUpTo;
    /** A delivery writer transaction is queued only to write the rows of logged events ({@link #catchUp}). */
    private final AtomicBoolean catchUpQueued = new AtomicBoolean();
    /** The same, counting rows written in the open transaction (the delivery writer's thread only). */
    private long writtenUpTo;
    /** Webhook sets the event log names, by id, most recently used last (the delivery writer's thread only; sets never change). */
    private final Map<Long, String[]> webhookSets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String[]> eldest) {
            return size() > 256;
        }
    };
    /** Health follow-ups handed to the ingest writer and not yet committed: until then its view of webhook health is behind. */
    private final AtomicInteger healthFollowUps = new AtomicInteger();
    /** When a claim may next find something: claims before then are answered without a transaction. */
    private final NextDue nextDue = new NextDue();

    /** {@code eventLogCaughtUp}: waits until the event log holds every acknowledged event (the rows are written from it). */
    public DuckDbDeliveryStore(DuckDbDatabase database, GroupCommitWriter writer, GroupCommitWriter ingestWriter, Runnable eventLogCaughtUp, Ids ids,
                               Clock clock, Duration initialLease, WebhookHealthRule healthRule) {
        this.eventLogCaughtUp = eventLogCaughtUp;
        this.healthRule = healthRule;
        this.ingestWriter = ingestWriter;
        this.database = database;
        this.writer = writer;
        this.ids = ids;
        this.clock = clock;
        this.initialLease = initialLease;
        writer.runNow(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS outcomes_stage (seq BIGINT, attempt INTEGER, status VARCHAR, "
                        + "next_attempt_us BIGINT, last_status_code INTEGER, last_error VARCHAR, updated_us BIGINT)");
                st.execute("CREATE TEMP TABLE IF NOT EXISTS claims_stage (seq BIGINT, event_seq BIGINT)");
                st.execute("CREATE TEMP TABLE IF NOT EXISTS release_stage (webhook_id VARCHAR, event_id VARCHAR)");
                st.execute("CREATE TEMP TABLE IF NOT EXISTS renew_stage (seq BIGINT)");
                try (ResultSet rs = st.executeQuery("SELECT (SELECT event_seq FROM fan_out_cursor), (SELECT coalesce(max(seq), 0) FROM events)")) {
                    rs.next();
                    committedUpTo = rs.getLong(1);
                    writtenUpTo = committedUpTo;
                    loggedUpTo = rs.getLong(2);
                }
            }
            // Deliveries of events acknowledged before a crash that had not reached this file yet.
            long behind = loggedUpTo - committedUpTo;
            long started = System.nanoTime();
            Runnable caughtUp = Transaction.run(c, tx -> writeLogged(tx, 0));
            if (caughtUp != null) caughtUp.run();
            if (behind > 0) StartLog.ended(started, "wrote the deliveries of {} events logged before the stop", behind);
            try (Statement st = c.createStatement()) {
                nextDeliverySeq.set(Math.max(maxPlusOne(st, "delivery_queue"), maxPlusOne(st, "delivery_history")));
                nextAttemptSeq = maxPlusOne(st, "delivery_attempts");
            }
            return null;
        });
        writer.beginEachTransactionWith(c -> {
            writtenUpTo = committedUpTo; // what a rolled-back transaction wrote is gone
            nextDue.begin();
            Runnable written = writeLogged(c, 0);
            // Published before the rows count as written, so no claim in between skips them.
            return () -> {
                nextDue.publish();
                if (written != null) written.run();
            };
        });
    }

    // ---- creation: the deliveries the event log records, written here behind it ----

    @Override
    public void logged(long eventSeq) {
        if (eventSeq > loggedUpTo) loggedUpTo = eventSeq;
        catchUp();
    }

    @Override
    public void leftInStore(long eventSeq) {
        nextDue.leftInStore(eventSeq);
    }

    /**
     * Rows are written by whatever delivery writer transaction comes next (an outcome, a claim). While no
     * such transaction comes (every lane full behind a receiver that does not answer, so nothing is
     * claimed and no outcome recorded) the rows of the events logged meanwhile would all be written by
     * the first one after it, every claim, outcome and read of deliveries waiting behind it. Once
     * {@value #CATCH_UP_EVENTS} events wait and the writer has nothing queued (queued work means a
     * transaction is coming, which writes them first — and this runs on the ingest writer, which must not
     * wait for a full queue), a transaction of their own writes them, and another follows while more were
     * logged meanwhile.
     */
    private void catchUp() {
        if (loggedUpTo - committedUpTo < CATCH_UP_EVENTS || writer.hasQueuedWork() || !catchUpQueued.compareAndSet(false, true)) return;
        writer.submitUnordered(c -> null).whenComplete((ok, failure) -> {
            catchUpQueued.set(false);
            if (failure == null) catchUp();
        });
    }

    /**
     * Writes the delivery rows of the events logged after the cursor, up to the latest committed event (or
     * {@code atLeast}, an event known to be committed) that this transaction sees, and moves the cursor in
     * the same transaction.
     * Returns what to run once committed, or null when there was nothing to write. Rows are streamed from
     * the events' records into the appender, so a burst of any size is written in bounded memory.
     */
    private Runnable writeLogged(Connection c, long atLeast) throws SQLException {
        long told = Math.max(loggedUpTo, atLeast);
        if (told <= writtenUpTo) return null;
        try (Statement st = c.createStatement(); Statement sets = c.createStatement()) {
            // This transaction reads the event log as of its own snapshot, which may be older than what the
            // delivery writer was told since (a replay's work runs after the transaction's first reads, while
            // the event log goes on committing). Rows are written, and the cursor moved, only as far as the
            // snapshot holds events: moved further, the cursor skipped events whose rows were never written,
            // and their deliveries were lost. The event log commits in sequence order, so what a snapshot
            // holds of the range is a prefix of it; the next transaction writes the rest.
            long upTo;
            try (ResultSet rs = st.executeQuery("SELECT max(seq) FROM events WHERE seq > " + writtenUpTo + " AND seq <= " + told)) {
                rs.next();
                upTo = rs.getLong(1);
                if (rs.wasNull()) return null;
            }
            String range = " FROM events WHERE seq > " + writtenUpTo + " AND seq <= " + upTo + " AND fan_out IS NOT NULL";
            long lease = initialLease.toNanos() / 1000;
            try (ResultSet rs = st.executeQuery("SELECT seq, " + TextColumns.bytesOf("event_id", "tenant", "event_type", "entity_id")
                    + ", received_us, deliveries_from, " + TextColumns.bytesOf("fan_out") + range);
                 DuckDBAppender appender = ((DuckDBConnection) c).createAppender(DuckDbDatabase.DELIVERY_CATALOG, "main", "delivery_queue")) {
                while (rs.next()) {
                    FanOutRecord record = FanOutRecord.parse(TextColumns.read(rs, 8));
                    String[] webhooks = webhookSet(sets, record.setId());
                    long eventSeq = rs.getLong(1);
                    long receivedMicros = rs.getLong(6);
                    long from = rs.getLong(7);
                    for (int i = 0; i < webhooks.length; i++) {
                        // Created, due and (when taken in memory) leased as of the event's acceptance, as if written in its commit.
                        char flag = record.flag(i);
                        nextDue.dueAt(flag == FanOutRecord.INLINE ? receivedMicros + lease : receivedMicros);
                        appendPending(appender, new NewRow(webhooks[i], TextColumns.read(rs, 2), TextColumns.read(rs, 3), record.messageId(i),
                                TextColumns.read(rs, 4), eventSeq, flag == FanOutRecord.INLINE,
                                Optional.ofNullable(flag == FanOutRecord.ENTITY ? TextColumns.read(rs, 5) : null)),
                                receivedMicros, receivedMicros + lease, from + i);
                    }
                }
                appender.flush();
            }
            st.executeUpdate("UPDATE fan_out_cursor SET event_seq = " + upTo);
            writtenUpTo = upTo;
            return () -> committedUpTo = Math.max(committedUpTo, upTo);
        }
    }

    /**
     * The webhooks of a set the event log names, read from the log on first use. A set is known from the
     * events that name it (a new one from the commit that logged them), so it is looked up only then —
     * not by a query of every transaction.
     */
    private String[] webhookSet(Statement lookup, long setId) throws SQLException {
        String[] cached = webhookSets.get(setId);
        if (cached != null) return cached;
        try (ResultSet rs = lookup.executeQuery("SELECT webhooks FROM fan_out_sets WHERE id = " + setId)) {
            if (!rs.next()) throw new SQLException("the event log names webhook set " + setId + ", which it does not hold");
            String[] webhooks = rs.getString(1).split(",");
            webhookSets.put(setId, webhooks);
            return webhooks;
        }
    }

    /**
     * Waits until the deliveries of every event logged so far are written, so a read sees them: the rows
     * are written by the delivery writer's next transaction, and when no outcome or claim comes (a receiver
     * holding every request), none comes on its own.
     */
    void awaitWritten() {
        eventLogCaughtUp.run();
        if (loggedUpTo > committedUpTo) Awaits.await(writer.submitUnordered(c -> null));
    }

    private static long maxPlusOne(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) + 1 FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public long allocate(int deliveries) {
        return nextDeliverySeq.getAndAdd(deliveries);
    }

    /** A new pending delivery row; {@code leased}: handed to the engine in memory at once. */
    private record NewRow(String webhookId, String eventId, String tenant, String messageId, String eventType, long eventSeq, boolean leased,
                          Optional<String> entityKey) {
    }

    /** One pending delivery row, created and due at {@code createdMicros}, leased until {@code leaseUntil} when {@code d.leased()}. */
    private static void appendPending(DuckDBAppender appender, NewRow d, long createdMicros, long leaseUntil, long seq) throws SQLException {
        appender.beginRow().append(d.webhookId()).append(d.eventId()).append(d.tenant()).append(d.messageId()).append(d.eventType())
                .append("pending").append(0).append(0).append(false).append(createdMicros);
        if (d.leased()) appender.append(leaseUntil);
        else appender.appendNull();
        appender.appendNull().appendNull().append(createdMicros).append(createdMicros).append(seq).append(d.eventSeq());
        if (d.entityKey().isPresent()) appender.append(d.entityKey().get());
        else appender.appendNull();
        appender.endRow();
    }

    /** Appends new pending deliveries (replays); runs on the delivery writer. */
    private List<QueuedDelivery> append(Connection connection, List<NewRow> rows, long now) throws SQLException {
        List<QueuedDelivery> queued = new ArrayList<>(rows.size());
        long leaseUntil = now + initialLease.toNanos() / 1000;
        try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender(DuckDbDatabase.DELIVERY_CATALOG, "main", "delivery_queue")) {
            for (NewRow d : rows) {
                long seq = nextDeliverySeq.getAndIncrement();
                appendPending(appender, d, now, leaseUntil, seq);
                queued.add(new QueuedDelivery(d.tenant(), d.webhookId(), d.eventId(), d.messageId(), d.leased(), seq, 0L));
            }
            appender.flush();
        }
        return queued;
    }

    /**
     * On the delivery writer, after the fan-out of every event up to the batch's last one is written (the
     * replay read those events, so they are committed): an event cannot get a delivery from its fan-out
     * and another from a replay. Existing deliveries are found within the batch's event positions, a range
     * DuckDB answers from row-group minima and maxima.
     */
    @Override
    public int queueMissing(String webhookId, List<ReplayDelivery> deliveries, Instant now) {
        if (deliveries.isEmpty()) return 0;
        long lo = deliveries.stream().mapToLong(ReplayDelivery::eventSeq).min().orElseThrow();
        long hi = deliveries.stream().mapToLong(ReplayDelivery::eventSeq).max().orElseThrow();
        return Awaits.await(writer.<Replayed>submit(c -> {
            Runnable caughtUp = writeLogged(c, hi);
            String in = SqlLiterals.list(deliveries.stream().map(ReplayDelivery::eventId).toList());
            Set<String> existing = new HashSet<>();
            try (Statement st = c.createStatement()) {
                for (String table : List.of("delivery_queue", "delivery_history")) {
                    try (ResultSet rs = st.executeQuery("SELECT event_id FROM " + table + " WHERE webhook_id = " + SqlLiterals.string(webhookId)
                            + " AND event_seq BETWEEN " + lo + " AND " + hi + " AND event_id IN (" + in + ")")) {
                        while (rs.next()) existing.add(rs.getString(1));
                    }
                }
            }
            List<NewRow> missing = deliveries.stream().filter(d -> !existing.contains(d.eventId()))
                    .map(d -> new NewRow(webhookId, d.eventId(), d.tenant(), d.messageId(), d.eventType(), d.eventSeq(), false, d.entityKey())).toList();
            nextDue.dueNow();
            return new Replayed(missing.isEmpty() ? 0 : append(c, missing, Micros.of(now)).size(), caughtUp);
        }, r -> {
            if (r.caughtUp() != null) r.caughtUp().run();
        })).count();
    }

    /** Deliveries a replay created, and what to run once they are committed. */
    private record Replayed(int count, Runnable caughtUp) {
    }

    // ---- claims ----

    /** A claimed delivery as read back, before its event body is attached. */
    private record ClaimedRow(String tenant, String webhookId, String eventId, String messageId, String eventType, int attempts,
                              int budgetBase, boolean requeued, long seq, long eventSeq) {
    }

    /** A webhook with due work: how many deliveries are due and the oldest due time. */
    private record Due(String webhookId, long count, long oldestMicros) {
    }

    @Override
    public Claim claimDue(Instant now, Instant leaseUntil, int limit, ToIntFunction<String> roomFor) {
        long nowMicros = Micros.of(now);
        if (!nextDue.mayBeDue(nowMicros, committedUpTo)) return Claim.NONE;
        return Awaits.await(writer.submitUnordered(c -> {
            List<Due> due = dueWebhooks(c, nowMicros);
            if (due.isEmpty()) {
                nextDue.exactly(firstClaimable(c));
                return Claim.NONE;
            }
            // Webhooks whose whole due set fits are claimed together by one scan; a webhook with more due
            // than it has room for takes its oldest by a top-N scan of its own.
            List<String> whole = new ArrayList<>();
            Map<String, Integer> partial = new LinkedHashMap<>();
            Set<String> moreDue = new HashSet<>();
            int budget = limit;
            for (Due d : due) {
                int room = Math.min(roomFor.applyAsInt(d.webhookId()), budget);
                if (room <= 0) {
                    moreDue.add(d.webhookId());
                    continue;
                }
                if (d.count() <= room && whole.size() < MAX_WHOLE_WEBHOOKS_PER_CLAIM) {
                    whole.add(d.webhookId());
                    budget -= (int) d.count();
                } else if (partial.size() < MAX_PARTIAL_WEBHOOKS_PER_CLAIM) {
                    partial.put(d.webhookId(), room);
                    moreDue.add(d.webhookId());
                    budget -= room;
                } else {
                    moreDue.add(d.webhookId());
                }
            }
            // An entity-ordered delivery is claimable only as the oldest pending one of its entity: while an
            // older one is in flight or waits for its retry, the later ones wait.
            String lapsed = " AND next_attempt_us <= " + nowMicros + " AND (lease_until_us IS NULL OR lease_until_us <= " + nowMicros + ")"
                    + " AND (entity_key IS NULL OR seq IN (SELECT min(seq) FROM delivery_queue WHERE entity_key IS NOT NULL GROUP BY webhook_id, entity_key))";
            try (Statement st = c.createStatement()) {
                if (!whole.isEmpty()) {
                    st.executeUpdate("INSERT INTO claims_stage SELECT seq, event_seq FROM delivery_queue WHERE webhook_id IN ("
                            + SqlLiterals.list(whole) + ")" + lapsed);
                }
                for (Map.Entry<String, Integer> p : partial.entrySet()) {
                    st.executeUpdate("INSERT INTO claims_stage SELECT seq, event_seq FROM delivery_queue WHERE webhook_id = "
                            + SqlLiterals.string(p.getKey()) + lapsed + " ORDER BY next_attempt_us, seq LIMIT " + p.getValue());
                }
                String range;
                try (ResultSet rs = st.executeQuery("SELECT min(seq), max(seq) FROM claims_stage")) {
                    rs.next();
                    range = seqRange("delivery_queue", rs.getLong(1), rs.getLong(2));
                }
                st.executeUpdate("UPDATE delivery_queue SET lease_until_us = " + Micros.of(leaseUntil) + " FROM claims_stage s WHERE delivery_queue.seq = s.seq"
                        + range);
                List<DeliveryJob> jobs = new ArrayList<>();
                List<ClaimedRow> rows = new ArrayList<>();
                // The event id goes last: it is the one text column that may hold any of its allowed characters.
                try (ResultSet rs = st.executeQuery("SELECT " + TextColumns.joinedBytesOf("d.tenant", "d.webhook_id", "d.message_id", "d.event_type", "d.event_id") + """
                        , d.attempts, d.budget_base, d.requeued, d.seq, d.event_seq
                        FROM claims_stage s JOIN delivery_queue d ON d.seq = s.seq""" + range.replace("delivery_queue.", "d.") + """
                        ORDER BY d.next_attempt_us, d.seq""")) {
                    while (rs.next()) {
                        String[] text = TextColumns.readJoined(rs, 1, 5);
                        rows.add(new ClaimedRow(text[0], text[1], text[4], text[2], text[3],
                                rs.getInt(2), rs.getInt(3), rs.getBoolean(4), rs.getLong(5), rs.getLong(6)));
                    }
                }
                Map<Long, String> bodies = bodies(st, rows.stream().mapToLong(ClaimedRow::eventSeq).sorted().distinct().toArray());
                st.execute("DELETE FROM claims_stage");
                for (ClaimedRow r : rows) {
                    Trigger trigger = r.requeued() ? Trigger.MANUAL : r.attempts() == 0 ? Trigger.INLINE : Trigger.RETRY;
                    String body = bodies.get(r.eventSeq());
                    if (body == null) continue; // cannot happen: an event and its deliveries are written together
                    jobs.add(new DeliveryJob(r.tenant(), r.webhookId(), r.eventId(), r.messageId(), r.eventType(),
                            r.attempts() + 1, r.attempts() + 1 - r.budgetBase(), trigger, body, r.seq(), 0L));
                }
                // Work left behind for want of room is due now; otherwise the queue says when the next is.
                if (moreDue.isEmpty()) nextDue.exactly(firstClaimable(c));
                else nextDue.dueNow();
                return new Claim(jobs, moreDue);
            }
        }));
    }

    /** A filter on a sequence range as constants, which DuckDB checks against each row group's min and max. */
    private static String seqRange(String table, long lo, long hi) {
        return " AND " + table + ".seq BETWEEN " + lo + " AND " + hi;
    }

    /**
     * When the first pending delivery becomes claimable: due and its lease ended, and for an entity's
     * deliveries only the oldest (the others wait for its outcome, which says so); {@link Long#MAX_VALUE}
     * when none will. One scan of the pending deliveries, run only by a claim that took all that was due.
     */
    private static long firstClaimable(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(greatest(next_attempt_us, coalesce(lease_until_us, next_attempt_us))) FROM delivery_queue "
                     + "WHERE entity_key IS NULL OR seq IN (SELECT min(seq) FROM delivery_queue WHERE entity_key IS NOT NULL GROUP BY webhook_id, entity_key)")) {
            rs.next();
            long first = rs.getLong(1);
            return rs.wasNull() ? Long.MAX_VALUE : first;
        }
    }

    /** Webhooks with due, unleased work, oldest first; one grouped scan of the pending deliveries. */
    private static List<Due> dueWebhooks(Connection c, long nowMicros) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT webhook_id, count(*), min(next_attempt_us) FROM delivery_queue WHERE next_attempt_us <= "
                     + nowMicros + " AND (lease_until_us IS NULL OR lease_until_us <= " + nowMicros + ") GROUP BY webhook_id ORDER BY 3 LIMIT "
                     + MAX_DUE_WEBHOOKS_PER_CLAIM)) {
            while (rs.next()) due.add(new Due(rs.getString(1), rs.getLong(2), rs.getLong(3)));
        }
        return due;
    }

    /**
     * The bodies of the claimed deliveries' events, by event log position. The positions of one claim
     * mostly sit close together (a backlog, a burst); each cluster is read with a range filter DuckDB
     * answers from row-group minima and maxima, so the cost follows the claim, not the size of the log.
     */
    private static Map<Long, String> bodies(Statement st, long[] seqs) throws SQLException {
        Map<Long, String> bodies = new HashMap<>();
        int from = 0;
        while (from < seqs.length) {
            int to = from + 1;
            while (to < seqs.length && seqs[to] - seqs[to - 1] <= ROW_GROUP_ROWS) to++;
            try (ResultSet rs = st.executeQuery("SELECT e.seq, " + TextColumns.bytesOf("e.body") + " FROM events e WHERE e.seq BETWEEN " + seqs[from]
                    + " AND " + seqs[to - 1] + " AND e.seq IN (SELECT event_seq FROM claims_stage)")) {
                while (rs.next()) bodies.put(rs.getLong(1), TextColumns.read(rs, 2));
            }
            from = to;
        }
        return bodies;
    }

    @Override
    public CompletableFuture<Void> releaseLeases(Collection<DeliveryJob> jobs) {
        if (jobs.isEmpty()) return CompletableFuture.completedFuture(null);
        List<DeliveryKey> keys = jobs.stream().map(DeliveryJob::key).toList();
        return writer.submitUnordered(c -> {
            try (DuckDBAppender ap = ((DuckDBConnection) c).createAppender("temp", "main", "release_stage")) {
                for (DeliveryKey k : keys) ap.beginRow().append(k.webhookId()).append(k.eventId()).endRow();
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("""
                        UPDATE delivery_queue SET lease_until_us = NULL FROM release_stage s
                        WHERE delivery_queue.webhook_id = s.webhook_id AND delivery_queue.event_id = s.event_id""");
                st.execute("DELETE FROM release_stage");
            }
            nextDue.dueNow();
            return null;
        });
    }

    @Override
    public CompletableFuture<java.util.Set<Long>> renewLeases(Collection<DeliveryJob> jobs, Instant until) {
        if (jobs.isEmpty()) return CompletableFuture.completedFuture(java.util.Set.of());
        long[] seqs = jobs.stream().mapToLong(DeliveryJob::seq).toArray();
        // This process is the store's only owner: whatever it holds, it still holds.
        java.util.Set<Long> held = java.util.Arrays.stream(seqs).boxed().collect(java.util.stream.Collectors.toUnmodifiableSet());
        return writer.submitUnordered(c -> {
            try (DuckDBAppender ap = ((DuckDBConnection) c).createAppender("temp", "main", "renew_stage")) {
                for (long seq : seqs) ap.beginRow().append(seq).endRow();
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE delivery_queue SET lease_until_us = " + Micros.of(until) + " FROM renew_stage s "
                        + "WHERE delivery_queue.seq = s.seq AND delivery_queue.lease_until_us IS NOT NULL");
                st.execute("DELETE FROM renew_stage");
            }
            return held;
        });
    }

    @Override
    public void releaseOwnLeasesAtStart() {
        long started = System.nanoTime();
        int released = Awaits.await(writer.submit(c -> {
            nextDue.dueNow();
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("UPDATE delivery_queue SET lease_until_us = NULL WHERE lease_until_us IS NOT NULL");
            }
        }));
        if (released > 0) StartLog.ended(started, "released {} deliveries the process before held, to be sent again", released);
    }

    // ---- outcomes (merged per commit) ----

    /** {@code settled}: completed once what the outcome changes in webhook health is committed too. */
    private record Outcome(AttemptRecord record, Runnable afterCommit, OutcomeKind kind, boolean awaited, CompletableFuture<Void> settled)
            implements GroupCommitWriter.Batchable<Boolean> {
    }

    @Override
    public CompletableFuture<Boolean> record(AttemptRecord record, Runnable afterCommit) {
        return record(record, afterCommit, false);
    }

    @Override
    public CompletableFuture<Boolean> record(AttemptRecord record, Runnable afterCommit, boolean awaited) {
        Outcome outcome = new Outcome(record, afterCommit, outcomeKind, awaited, new CompletableFuture<>());
        return writer.submitBatchable(outcome, null).thenCompose(applied -> outcome.settled().thenApply(v -> applied));
    }

    @Override
    public CompletableFuture<Void> parkRemoved(DeliveryJob job, Instant now) {
        // One process: its registry is the webhooks' truth, so an unknown webhook is a removed one.
        DeliveryKey key = job.key();
        return writer.submit(c -> {
            // By its sequence number first: DuckDB then reads only the row group holding it, not the whole
            // queue. A lane of a webhook just deactivated parks its thousands this way, one after another, on
            // the writer every tenant's outcomes wait for (with a 1,000,000 backlog, a scan each took 165 s).
            park(c, "seq = " + job.seq() + " AND webhook_id = " + SqlLiterals.string(key.webhookId()) + " AND event_id = "
                    + SqlLiterals.string(key.eventId()), Micros.of(now));
            return null;
        });
    }

    /**
     * Pending deliveries matching {@code condition} (SQL over delivery_queue) move to the history, dead with
     * "webhook removed"; the next delivery of a parked one's entity, if any, is claimable now.
     */
    private void park(Connection c, String condition, long nowMicros) throws SQLException {
        nextDue.dueNow();
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO delivery_history SELECT webhook_id, event_id, tenant, message_id, event_type, 'dead', attempts, budget_base, "
                    + "requeued, NULL, NULL, last_status_code, " + SqlLiterals.string(WEBHOOK_REMOVED) + ", created_us, " + nowMicros + ", seq, event_seq, entity_key "
                    + "FROM delivery_queue WHERE " + condition);
            st.executeUpdate("DELETE FROM delivery_queue WHERE " + condition);
        }
    }

    @Override
    public void appendLog(List<AttemptRecord> records) {
        // Its caller waits (a webhook test answers once its attempt is in the log): not held back for later outcomes.
        List<CompletableFuture<Boolean>> futures = records.stream().map(r -> record(r, () -> { }, true)).toList();
        futures.forEach(Awaits::await);
    }

    private final class OutcomeKind implements GroupCommitWriter.BatchKind<Boolean> {
        @Override
        public GroupCommitWriter.BatchResult<Boolean> runAll(Connection c, List<? extends GroupCommitWriter.Batchable<Boolean>> items) throws SQLException {
            List<Outcome> outcomes = items.stream().map(Outcome.class::cast).toList();
            // Recording the same attempt twice must count once: the delivery's attempt count only moves
            // forward, and a log row is written only for an outcome that moved it. A delivery is known by
            // its sequence number, in both tables.
            Map<Long, AttemptRecord> latest = new LinkedHashMap<>();
            List<AttemptRecord> log = new ArrayList<>();
            for (Outcome o : outcomes) {
                AttemptRecord r = o.record;
                if (r.trigger() == Trigger.TEST) log.add(r);
                else latest.merge(r.seq(), r, (a, b) -> b.attempt() > a.attempt() ? b : a);
            }
            DuckDBConnection dc = (DuckDBConnection) c;
            List<AttemptRecord> decided = List.copyOf(latest.values());
            if (!latest.isEmpty()) {
                long lo = Long.MAX_VALUE;
                long hi = Long.MIN_VALUE;
                boolean anyRetry = false;
                try (DuckDBAppender ap = dc.createAppender("temp", "main", "outcomes_stage")) {
                    for (AttemptRecord r : latest.values()) {
                        ap.beginRow().append(r.seq()).append(r.attempt()).append(r.newStatus().wireName());
                        if (r.nextAttemptAt().isPresent()) ap.append(Micros.of(r.nextAttemptAt().get()));
                        else ap.appendNull();
                        if (r.statusCode().isPresent()) ap.append(r.statusCode().get().intValue());
                        else ap.appendNull();
                        if (r.success() || r.error().isEmpty()) ap.appendNull();
                        else ap.append(r.error().get());
                        ap.append(Micros.of(r.answeredAt())).endRow();
                        lo = Math.min(lo, r.seq());
                        hi = Math.max(hi, r.seq());
                        anyRetry |= r.newStatus() == DeliveryStatus.PENDING;
                    }
                }
                // Only rows updated here can be finished (parking moves its rows at once), so every statement
                // may look at the batch's sequence range alone: DuckDB skips row groups outside it.
                String range = seqRange("q", lo, hi);
                try (Statement st = c.createStatement()) {
                    String matches = " WHERE q.seq = s.seq AND q.attempts < s.attempt" + range;
                    // Delivered and dead deliveries leave the queue for the history, with their final state, in
                    // this transaction: one insert and one delete, no update of rows that are about to go.
                    st.executeUpdate("INSERT INTO delivery_history SELECT q.webhook_id, q.event_id, q.tenant, q.message_id, q.event_type, s.status, "
                            + "s.attempt, q.budget_base, false, s.next_attempt_us, NULL, s.last_status_code, s.last_error, q.created_us, s.updated_us, "
                            + "q.seq, q.event_seq, q.entity_key FROM delivery_queue q JOIN outcomes_stage s ON q.seq = s.seq" + matches + " AND s.status <> 'pending'");
                    // A finished delivery of an entity makes the entity's next one claimable.
                    if (moveToLog(st, "DELETE FROM delivery_queue q USING outcomes_stage s" + matches + " AND s.status <> 'pending' "
                            + "RETURNING q.seq, q.entity_key IS NOT NULL", latest, log)) {
                        nextDue.dueNow();
                    }
                    if (anyRetry) {
                        for (AttemptRecord r : latest.values()) r.nextAttemptAt().ifPresent(at -> nextDue.dueAt(Micros.of(at)));
                        moveToLog(st, "UPDATE delivery_queue q SET attempts = s.attempt, requeued = false, next_attempt_us = s.next_attempt_us, "
                                + "last_status_code = s.last_status_code, last_error = s.last_error, updated_us = s.updated_us, lease_until_us = NULL "
                                + "FROM outcomes_stage s" + matches + " AND s.status = 'pending' RETURNING q.seq", latest, log);
                    }
                    if (!latest.isEmpty()) {
                        // Rare: the delivery was parked (its webhook removed) while this attempt was in flight. The
                        // attempt is counted and logged; one the receiver answered with a 2xx makes it delivered
                        // (dead, a recover would send it again), any other outcome leaves it parked. Duplicates of a
                        // recorded outcome match nothing here either.
                        String arrived = "(s.status = 'delivered' AND h.last_error = " + SqlLiterals.string(WEBHOOK_REMOVED) + ")";
                        moveToLog(st, "UPDATE delivery_history h SET attempts = s.attempt, "
                                + "status = CASE WHEN " + arrived + " THEN s.status ELSE h.status END, "
                                + "last_status_code = CASE WHEN " + arrived + " THEN s.last_status_code ELSE h.last_status_code END, "
                                + "last_error = CASE WHEN " + arrived + " THEN NULL ELSE h.last_error END, "
                                + "updated_us = CASE WHEN " + arrived + " THEN s.updated_us ELSE h.updated_us END FROM outcomes_stage s"
                                + " WHERE h.seq = s.seq AND h.attempts < s.attempt" + seqRange("h", lo, hi) + " RETURNING h.seq", latest, log);
                    }
                    st.execute("DELETE FROM outcomes_stage");
                }
            }
            if (!log.isEmpty()) {
                try (DuckDBAppender ap = dc.createAppender(DuckDbDatabase.DELIVERY_CATALOG, "main", "delivery_attempts")) {
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
            List<AttemptRecord> disabling = decided.stream().filter(r -> r.disableWebhookReason().isPresent()).toList();
            List<AttemptRecord> applied = log.stream().filter(r -> r.trigger() != Trigger.TEST).toList();
            List<DeliveryEffect> deaths = WebhookHealthSql.deaths(applied);
            UnreportedEffectsSql.keep(c, deaths);
            boolean healthFollowUp = !disabling.isEmpty() || healthFollowUps.get() > 0 || WebhookHealthSql.mayChange(c, applied);
            List<Boolean> results = AppliedOutcomes.of(outcomes.stream().map(Outcome::record).toList(), log);
            DeliveryEffects told = effectsListener;
            return new GroupCommitWriter.BatchResult<>(results, () -> {
                outcomes.forEach(o -> o.afterCommit.run());
                if (!deaths.isEmpty()) told.committed(deaths);
                if (!healthFollowUp) {
                    outcomes.forEach(o -> o.settled().complete(null));
                    return;
                }
                followHealth(disabling, applied, told).whenComplete((v, failure) -> outcomes.forEach(o -> {
                    if (failure == null) o.settled().complete(null);
                    else o.settled().completeExceptionally(failure);
                }));
            });
        }
    }

    /**
     * Runs a statement answering with the sequence numbers it changed, and optionally a flag for each; their
     * outcomes move from {@code pending} to {@code log}. Returns whether any row's flag was true.
     */
    private static boolean moveToLog(Statement st, String sql, Map<Long, AttemptRecord> pending, List<AttemptRecord> log) throws SQLException {
        boolean flagged = false;
        try (ResultSet rs = st.executeQuery(sql)) {
            boolean withFlag = rs.getMetaData().getColumnCount() > 1;
            while (rs.next()) {
                log.add(pending.remove(rs.getLong(1)));
                flagged |= withFlag && rs.getBoolean(2);
            }
        }
        return flagged;
    }

    /** What a health follow-up changed: effects to tell, webhooks it disabled. */
    private record HealthChange(List<DeliveryEffect> effects, Map<String, Long> disabled) {
    }

    /**
     * Webhook health is kept in the event log file, written by the ingest writer only (a transaction may
     * write one file): the recorded outcomes go there to update it, one follow-up after another, and a
     * webhook it disables has its pending deliveries parked here afterwards. A crash in between leaves a
     * disabled webhook's deliveries pending; the engine parks each one it finds for a webhook no longer
     * active.
     */
    private CompletableFuture<Void> followHealth(List<AttemptRecord> disabling, List<AttemptRecord> applied, DeliveryEffects told) {
        healthFollowUps.incrementAndGet();
        List<CompletableFuture<Void>> parked = new java.util.concurrent.CopyOnWriteArrayList<>();
        return ingestWriter.<HealthChange>submitUnordered(c -> {
            List<DeliveryEffect> effects = new ArrayList<>();
            Map<String, Long> disabled = new LinkedHashMap<>();
            WebhookHealthSql.Disabler disabler = (connection, webhookId, reason, nowMicros) -> {
                if (!deactivate(connection, webhookId, reason, nowMicros)) return false;
                disabled.put(webhookId, nowMicros);
                return true;
            };
            for (AttemptRecord r : disabling) {
                String reason = r.disableWebhookReason().orElseThrow();
                if (disabler.disable(c, r.webhookId(), reason, Micros.of(r.attemptedAt()))) {
                    effects.add(new DeliveryEffect.WebhookDisabled(r.tenant(), r.webhookId(), reason, r.attemptedAt(), r.attemptedAt()));
                }
            }
            effects.addAll(WebhookHealthSql.apply(c, applied, healthRule, disabler));
            UnreportedEffectsSql.keep(c, effects);
            return new HealthChange(effects, disabled);
        }, change -> {
            healthFollowUps.decrementAndGet();
            if (!change.effects().isEmpty()) told.committed(change.effects());
            change.disabled().forEach((webhookId, nowMicros) -> parked.add(parkWebhook(webhookId, nowMicros)));
        }).whenComplete((change, failure) -> {
            if (failure != null) healthFollowUps.decrementAndGet();
        }).thenCompose(change -> CompletableFuture.allOf(parked.toArray(CompletableFuture[]::new)));
    }

    /** Marks an active webhook disabled; true when it was active. In the event log file. */
    private static boolean deactivate(Connection c, String webhookId, String reason, long nowMicros) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET active = false, disabled_reason = ?, updated_us = ? WHERE id = ? AND active")) {
            ps.setString(1, reason);
            ps.setLong(2, nowMicros);
            ps.setString(3, webhookId);
            return ps.executeUpdate() > 0;
        }
    }

    /** Parks every pending delivery of a webhook that no longer takes them (removed, switched off, disabled). */
    CompletableFuture<Void> parkWebhook(String webhookId, long nowMicros) {
        return writer.submit(c -> {
            park(c, "webhook_id = " + SqlLiterals.string(webhookId), nowMicros);
            return null;
        });
    }

    @Override
    public void listen(DeliveryEffects effects) {
        this.effectsListener = effects;
    }

    /** Not while the delivery file's writer is failing (a full disk, an invalidated database): nothing sent then could be recorded. */
    @Override
    public boolean recordingPossible() {
        // Outcomes wait for the event log to hold their events (the delivery rows are written from it), and a
        // webhook's health is kept there: while the event log's writer fails (events filled the disk), they
        // cannot be recorded either. Judged by the delivery file's writer alone, the engine went on sending
        // for the 30 s an outcome waits for the event log, 1,158 deliveries in an outside check, and sent
        // them again once their leases lapsed in a long outage.
        return writer.problem().isEmpty() && ingestWriter.problem().isEmpty();
    }

    @Override
    public List<DeliveryEffect> unreportedEffects(Instant before, int limit) {
        return database.read(c -> UnreportedEffectsSql.unreported(c, before, limit));
    }

    /** Deaths are kept in the delivery file, webhook changes in the event log file: each forgotten by its file's writer. */
    @Override
    public CompletableFuture<Void> effectsReported(Collection<DeliveryEffect> reported) {
        CompletableFuture<Void> deaths = UnreportedEffectsSql.anyDeaths(reported) ? writer.submitUnordered(c -> {
            UnreportedEffectsSql.forgetDeaths(c, reported);
            return null;
        }) : CompletableFuture.completedFuture(null);
        CompletableFuture<Void> changes = UnreportedEffectsSql.anyWebhookChanges(reported) ? ingestWriter.submitUnordered(c -> {
            UnreportedEffectsSql.forgetWebhookChanges(c, reported);
            return null;
        }) : CompletableFuture.completedFuture(null);
        return CompletableFuture.allOf(deaths, changes);
    }

    // ---- reads and manual actions ----

    @Override
    public Page<Delivery> list(String tenant, String webhookId, dev.eventwire.delivery.DeliveryFilter filter, PageRequest page) {
        awaitWritten();
        return database.read(c -> READS.list(c, tenant, webhookId, filter, page));
    }

    @Override
    public Optional<Delivery> find(String tenant, String webhookId, String eventId) {
        awaitWritten();
        return database.read(c -> READS.find(c, tenant, webhookId, eventId));
    }

    @Override
    public List<AttemptLogEntry> attempts(String tenant, String webhookId, String eventId) {
        return database.read(c -> READS.attempts(c, tenant, webhookId, eventId));
    }

    @Override
    public dev.eventwire.support.Page<AttemptLogEntry> logs(String tenant, String webhookId, dev.eventwire.support.PageRequest page) {
        return database.read(c -> READS.logs(c, tenant, webhookId, page));
    }

    @Override
    public boolean retry(String tenant, String webhookId, String eventId, Instant now) {
        return requeueDead(tenant, webhookId, now, "event_id = ?", eventId) > 0;
    }

    @Override
    public int recover(String tenant, String webhookId, Instant since, Instant now) {
        return requeueDead(tenant, webhookId, now, "updated_us >= ?", Micros.of(since));
    }

    /** Dead deliveries matching {@code condition} move back to the queue, due now with a fresh attempt budget. */
    private int requeueDead(String tenant, String webhookId, Instant now, String condition, Object conditionValue) {
        return Awaits.await(writer.submit(c -> {
            String where = " FROM delivery_history WHERE tenant = ? AND webhook_id = ? AND status = 'dead' AND " + condition;
            long n = Micros.of(now);
            int moved;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO delivery_queue SELECT webhook_id, event_id, tenant, message_id, event_type, "
                    + "'pending', attempts, attempts, true, ?, NULL, last_status_code, last_error, created_us, ?, seq, event_seq, entity_key" + where)) {
                ps.setLong(1, n);
                ps.setLong(2, n);
                bindRequeue(ps, 3, tenant, webhookId, conditionValue);
                moved = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE" + where)) {
                bindRequeue(ps, 1, tenant, webhookId, conditionValue);
                ps.executeUpdate();
            }
            nextDue.dueNow();
            return moved;
        }));
    }

    private static void bindRequeue(PreparedStatement ps, int from, String tenant, String webhookId, Object conditionValue) throws SQLException {
        ps.setString(from, tenant);
        ps.setString(from + 1, webhookId);
        ps.setObject(from + 2, conditionValue);
    }
}
