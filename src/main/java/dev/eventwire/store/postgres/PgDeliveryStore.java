package dev.eventwire.store.postgres;

import dev.eventwire.support.CommitObserver;
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
import dev.eventwire.store.AppliedOutcomes;
import dev.eventwire.store.UnreportedEffectsSql;
import dev.eventwire.store.WebhookHealthSql;
import dev.eventwire.delivery.ReplayDelivery;
import dev.eventwire.delivery.Trigger;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.ingest.PlannedDelivery;
import dev.eventwire.store.DeliveryReads;
import dev.eventwire.store.Micros;
import dev.eventwire.store.Pages;
import dev.eventwire.store.ReplicaDirectory;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import java.util.function.ToIntFunction;

/**
 * Deliveries in PostgreSQL, shared by replicas. Pending ones live in {@code delivery_queue}, finished
 * ones in {@code delivery_history}. A claim locks due rows with {@code FOR UPDATE SKIP LOCKED} (two
 * replicas never take the same row), sets a fresh lease token and owner, and pushes the row's
 * visibility to the end of the lease; an outcome is recorded only while the row still carries the
 * token it was claimed with (fencing). Outcomes from many attempts are written in batches.
 */
final class PgDeliveryStore implements DeliveryStore {
    static final String WEBHOOK_REMOVED = "webhook removed";
    /** Webhooks looked at per claim, oldest due work first. */
    private static final int MAX_DUE_WEBHOOKS_PER_CLAIM = 1000;
    /**
     * Outcomes wait up to this long for a batch of {@link #OUTCOME_BATCH_FILL}: with several replicas each
     * writing its share, batches would otherwise shrink as replicas are added and the database would spend
     * its time on per-transaction overhead (three replicas made ten times the commits of one).
     */
    private static final Duration OUTCOME_LINGER = Duration.ofMillis(20);
    private static final int OUTCOME_BATCH_FILL = 512;
    /** A delivery whose webhook this replica does not know yet (created on another replica a moment ago) is looked at again after this. */
    private static final Duration UNKNOWN_WEBHOOK_RETRY = Duration.ofSeconds(1);
    /** Both tables; a pending delivery reads as status "pending" with its next attempt. */
    private static final DeliveryReads READS = new DeliveryReads("(SELECT seq, webhook_id, event_id, message_id, event_type, 'pending' AS status, attempts, "
            + "next_attempt_us, last_status_code, last_error, created_us, updated_us, tenant FROM delivery_queue UNION ALL SELECT seq, webhook_id, "
            + "event_id, message_id, event_type, status, attempts, NULL, last_status_code, last_error, created_us, updated_us, tenant FROM delivery_history)");

    /** Claims due rows of the given webhooks, each up to its room, oldest due first, and leases them. */
    static final String CLAIM = claim("d.visible_us <= ?", "d.visible_us, d.seq");

    /**
     * Claims the rows silent replicas (dead or stalled) held whose lease lapsed, oldest first, ahead of all
     * other due work: they sort by their lease's end in the claim index, behind a backlog that has been due
     * since it was created, and would otherwise wait for all of it. Runs only while some replica is silent,
     * through the index of leased rows by owner, so its cost follows what the silent replicas held.
     */
    static final String CLAIM_LAPSED = claim("d.visible_us <= ? AND d.lease_owner = ANY (?::text[])", "d.seq");

    private static String claim(String due, String order) {
        return """
            WITH picked AS (
                SELECT q.seq FROM unnest(?::text[], ?::int[]) AS r(webhook_id, room)
                CROSS JOIN LATERAL (
                    SELECT d.seq FROM delivery_queue d WHERE d.webhook_id = r.webhook_id AND %s
                      AND (d.entity_key IS NULL OR NOT EXISTS (SELECT 1 FROM delivery_queue o
                           WHERE o.webhook_id = d.webhook_id AND o.entity_key = d.entity_key AND o.seq < d.seq))
                    ORDER BY %s LIMIT r.room FOR UPDATE SKIP LOCKED) q)
            UPDATE delivery_queue d SET visible_us = ?, lease_token = ?, lease_owner = ?
            WHERE d.seq = ANY (ARRAY(SELECT seq FROM picked))
            RETURNING d.tenant, d.webhook_id, d.event_id, d.message_id, d.event_type, d.attempts, d.budget_base, d.requeued, d.seq,
                d.event_seq, d.next_attempt_us""".formatted(due, order);
    }

    /** Webhooks with due work, oldest due first: each with its oldest due time and how many are due (counted up to a cap). */
    static final String DUE_WEBHOOKS = """
            WITH RECURSIVE hooks(webhook_id) AS (
                (SELECT webhook_id FROM delivery_queue ORDER BY webhook_id LIMIT 1)
                UNION ALL
                SELECT (SELECT q.webhook_id FROM delivery_queue q WHERE q.webhook_id > h.webhook_id ORDER BY q.webhook_id LIMIT 1)
                FROM hooks h WHERE h.webhook_id IS NOT NULL)
            SELECT h.webhook_id, o.visible_us,
                   (SELECT count(*) FROM (SELECT 1 FROM delivery_queue d WHERE d.webhook_id = h.webhook_id AND d.visible_us <= ?
                                           ORDER BY d.visible_us LIMIT ?) n)
            FROM hooks h
            CROSS JOIN LATERAL (SELECT d.visible_us FROM delivery_queue d WHERE d.webhook_id = h.webhook_id
                                ORDER BY d.visible_us LIMIT 1) o
            WHERE h.webhook_id IS NOT NULL AND o.visible_us <= ?
            ORDER BY o.visible_us LIMIT ?""";

    private final PgDatabase database;
    private final Clock clock;
    private final Duration initialLease;
    private final String replicaId;
    private final PgBatcher<AttemptRecord, Boolean> outcomes;
    private final WebhookHealthRule healthRule;
    private volatile DeliveryEffects effectsListener = DeliveryEffects.NONE;

    PgDeliveryStore(PgDatabase database, Clock clock, Duration initialLease, String replicaId, WebhookHealthRule healthRule,
                    CommitObserver commits) {
        this.healthRule = healthRule;
        this.database = database;
        this.clock = clock;
        this.initialLease = initialLease;
        this.replicaId = replicaId;
        this.outcomes = new PgBatcher<>(database, "eventwire-pg-outcomes", 2, 2048, OUTCOME_BATCH_FILL, OUTCOME_LINGER,
                this::writeOutcomes, commits);
    }

    void start() {
        outcomes.start();
    }

    Optional<String> problem() {
        return outcomes.problem();
    }

    void close() {
        outcomes.close();
    }

    // ---- creation, inside the ingest transaction ----

    List<QueuedDelivery> queue(Connection c, List<PlannedDelivery> deliveries) throws SQLException {
        long now = Micros.of(clock.instant());
        long leaseUntil = now + initialLease.toNanos() / 1000;
        boolean anyInline = deliveries.stream().anyMatch(PlannedDelivery::inline);
        long token = anyInline ? nextToken(c) : 0L;
        int n = deliveries.size();
        String[] webhookIds = new String[n];
        String[] eventIds = new String[n];
        String[] tenants = new String[n];
        String[] messageIds = new String[n];
        String[] eventTypes = new String[n];
        Long[] eventSeqs = new Long[n];
        Long[] visible = new Long[n];
        Long[] tokens = new Long[n];
        String[] owners = new String[n];
        String[] entities = new String[n];
        for (int i = 0; i < n; i++) {
            PlannedDelivery d = deliveries.get(i);
            NewEvent e = d.event();
            webhookIds[i] = d.webhookId();
            eventIds[i] = e.eventId();
            tenants[i] = e.tenant();
            messageIds[i] = d.messageId();
            eventTypes[i] = e.eventType();
            eventSeqs[i] = d.eventSeq();
            visible[i] = d.inline() ? leaseUntil : now;
            tokens[i] = d.inline() ? token : null;
            owners[i] = d.inline() ? replicaId : null;
            entities[i] = d.entityKey().orElse(null);
        }
        Map<DeliveryKey, Long> seqs = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO delivery_queue (webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, budget_base, requeued,
                    next_attempt_us, visible_us, lease_token, lease_owner, created_us, updated_us, entity_key)
                SELECT w, e, t, m, ty, es, 0, 0, false, ?, v, tk, o, ?, ?, en FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS u(w, e, t, m, ty, es, v, tk, o, en)
                RETURNING webhook_id, event_id, seq""")) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setArray(4, c.createArrayOf("text", webhookIds));
            ps.setArray(5, c.createArrayOf("text", eventIds));
            ps.setArray(6, c.createArrayOf("text", tenants));
            ps.setArray(7, c.createArrayOf("text", messageIds));
            ps.setArray(8, c.createArrayOf("text", eventTypes));
            ps.setArray(9, c.createArrayOf("bigint", eventSeqs));
            ps.setArray(10, c.createArrayOf("bigint", visible));
            ps.setArray(11, c.createArrayOf("bigint", tokens));
            ps.setArray(12, c.createArrayOf("text", owners));
            ps.setArray(13, c.createArrayOf("text", entities));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) seqs.put(new DeliveryKey(rs.getString(1), rs.getString(2)), rs.getLong(3));
            }
        }
        List<QueuedDelivery> queued = new ArrayList<>(n);
        for (PlannedDelivery d : deliveries) {
            NewEvent e = d.event();
            long seq = seqs.get(new DeliveryKey(d.webhookId(), e.eventId()));
            queued.add(new QueuedDelivery(e.tenant(), d.webhookId(), e.eventId(), d.messageId(), d.inline(), seq, d.inline() ? token : 0L));
        }
        return queued;
    }

    private static long nextToken(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT nextval('lease_tokens')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- claims ----

    /**
     * Due rows are counted up to this many per webhook: enough to spread a claim's budget over webhooks
     * that each have a few, while a webhook with a backlog costs one short index walk per poll, not one
     * over its whole room (each entry may need a heap visit, and the replicas poll many times a second).
     */
    private static final int DUE_COUNT_CAP = 256;

    /** A webhook with due work: its oldest due time and how many are due (counted up to {@link #DUE_COUNT_CAP}). */
    private record Due(String webhookId, long oldestMicros, int count) {
        /** What a claim of {@code room} rows may take from this webhook, as far as the count tells. */
        int expected(int room) {
            return count >= DUE_COUNT_CAP ? room : Math.min(room, count);
        }
    }

    /** A claimed row as read back, before its event body is attached. */
    private record ClaimedRow(String tenant, String webhookId, String eventId, String messageId, String eventType, int attempts,
                              int budgetBase, boolean requeued, long seq, long eventSeq, long nextAttemptMicros) {
    }

    @Override
    public Claim claimDue(Instant now, Instant leaseUntil, int limit, ToIntFunction<String> roomFor) {
        long nowMicros = Micros.of(now);
        List<Due> due = database.read(c -> dueWebhooks(c, nowMicros, limit));
        if (due.isEmpty()) return Claim.NONE;
        List<String> ids = new ArrayList<>();
        List<Integer> rooms = new ArrayList<>();
        Set<String> moreDue = new HashSet<>();
        int budget = limit;
        for (Due d : due) {
            int room = Math.min(roomFor.applyAsInt(d.webhookId()), budget);
            if (room <= 0) {
                moreDue.add(d.webhookId());
                continue;
            }
            ids.add(d.webhookId());
            rooms.add(room);
            budget -= d.expected(room);
        }
        if (ids.isEmpty()) return new Claim(List.of(), moreDue);
        return database.inTransaction(c -> {
            long token = nextToken(c);
            List<DeliveryJob> jobs = new ArrayList<>();
            Map<String, Integer> taken = new HashMap<>();
            // Silent replicas' lapsed leases first; what they leave of each room goes to the rest of the due
            // work (the rows just taken are leased now, so the second statement no longer sees them as due).
            List<String> silent = silentReplicas(c, nowMicros);
            List<ClaimedRow> rows = silent.isEmpty() ? new ArrayList<>()
                    : claimRows(c, CLAIM_LAPSED, Optional.of(silent), ids, rooms, nowMicros, leaseUntil, token);
            Map<String, Integer> lapsed = new HashMap<>();
            rows.forEach(r -> lapsed.merge(r.webhookId(), 1, Integer::sum));
            List<String> restIds = new ArrayList<>();
            List<Integer> restRooms = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                int left = rooms.get(i) - lapsed.getOrDefault(ids.get(i), 0);
                if (left <= 0) continue;
                restIds.add(ids.get(i));
                restRooms.add(left);
            }
            if (!restIds.isEmpty()) rows.addAll(claimRows(c, CLAIM, Optional.empty(), restIds, restRooms, nowMicros, leaseUntil, token));
            // Oldest due first, as the engine sends them.
            rows.sort(java.util.Comparator.comparingLong(ClaimedRow::nextAttemptMicros).thenComparingLong(ClaimedRow::seq));
            Map<Long, String> bodies = bodies(c, rows.stream().map(ClaimedRow::eventSeq).distinct().toList());
            for (ClaimedRow r : rows) {
                Trigger trigger = r.requeued() ? Trigger.MANUAL : r.attempts() == 0 ? Trigger.INLINE : Trigger.RETRY;
                jobs.add(new DeliveryJob(r.tenant(), r.webhookId(), r.eventId(), r.messageId(), r.eventType(), r.attempts() + 1,
                        r.attempts() + 1 - r.budgetBase(), trigger, bodies.get(r.eventSeq()), r.seq(), token));
                taken.merge(r.webhookId(), 1, Integer::sum);
            }
            for (int i = 0; i < ids.size(); i++) {
                if (taken.getOrDefault(ids.get(i), 0) >= rooms.get(i)) moreDue.add(ids.get(i));
            }
            if (due.size() >= MAX_DUE_WEBHOOKS_PER_CLAIM) due.forEach(d -> moreDue.add(d.webhookId()));
            return new Claim(jobs, moreDue);
        });
    }

    /**
     * Runs one of the claim statements. The picked rows are updated through the primary key ("seq = ANY"):
     * joined to the picked set, a claim of thousands was planned as a hash join over a scan of the whole
     * queue, dead rows included, so its cost grew with the backlog (0.4 s for 20,000 rows out of 180,000).
     */
    private List<ClaimedRow> claimRows(Connection c, String sql, Optional<List<String>> owners, List<String> ids, List<Integer> rooms,
                                       long nowMicros, Instant leaseUntil, long token) throws SQLException {
        List<ClaimedRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setArray(p++, c.createArrayOf("text", ids.toArray()));
            ps.setArray(p++, c.createArrayOf("integer", rooms.toArray()));
            ps.setLong(p++, nowMicros);
            if (owners.isPresent()) ps.setArray(p++, c.createArrayOf("text", owners.get().toArray()));
            ps.setLong(p++, Micros.of(leaseUntil));
            ps.setLong(p++, token);
            ps.setString(p, replicaId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ClaimedRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getInt(6), rs.getInt(7), rs.getBoolean(8), rs.getLong(9), rs.getLong(10), rs.getLong(11)));
                }
            }
        }
        return rows;
    }

    /** Replicas whose heartbeat has gone silent (see {@link ReplicaDirectory#LIVE_WITHIN}): a few rows, read with each claim. */
    private static List<String> silentReplicas(Connection c, long nowMicros) throws SQLException {
        List<String> silent = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM replicas WHERE last_heartbeat_us < ?")) {
            ps.setLong(1, nowMicros - ReplicaDirectory.LIVE_WITHIN.toNanos() / 1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) silent.add(rs.getString(1));
            }
        }
        return silent;
    }

    /**
     * Webhooks with pending work due by now, oldest due first: a skip scan over the claim index visits
     * each webhook with pending work once and reads its oldest visible row, so the cost follows the
     * number of such webhooks, never the size of the backlog or of the history. The count is ordered so it
     * walks the claim index: unordered, the statement's generic plan counted by scanning the table from its
     * start, through every dead row a draining backlog leaves until vacuum.
     */
    private static List<Due> dueWebhooks(Connection c, long nowMicros, int limit) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DUE_WEBHOOKS)) {
            ps.setLong(1, nowMicros);
            ps.setInt(2, Math.min(limit, DUE_COUNT_CAP));
            ps.setLong(3, nowMicros);
            ps.setInt(4, MAX_DUE_WEBHOOKS_PER_CLAIM);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) due.add(new Due(rs.getString(1), rs.getLong(2), rs.getInt(3)));
            }
        }
        return due;
    }

    private static Map<Long, String> bodies(Connection c, List<Long> eventSeqs) throws SQLException {
        Map<Long, String> bodies = new HashMap<>();
        if (eventSeqs.isEmpty()) return bodies;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, body FROM events WHERE seq = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", eventSeqs.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) bodies.put(rs.getLong(1), rs.getString(2));
            }
        }
        return bodies;
    }

    @Override
    public CompletableFuture<Void> releaseLeases(Collection<DeliveryJob> jobs) {
        if (jobs.isEmpty()) return CompletableFuture.completedFuture(null);
        Long[] seqs = jobs.stream().map(DeliveryJob::seq).toArray(Long[]::new);
        Long[] tokens = jobs.stream().map(DeliveryJob::lease).toArray(Long[]::new);
        return CompletableFuture.runAsync(() -> database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE delivery_queue d SET visible_us = d.next_attempt_us, lease_token = NULL, lease_owner = NULL
                    FROM unnest(?::bigint[], ?::bigint[]) AS r(seq, token) WHERE d.seq = r.seq AND d.lease_token = r.token""")) {
                ps.setArray(1, c.createArrayOf("bigint", seqs));
                ps.setArray(2, c.createArrayOf("bigint", tokens));
                return ps.executeUpdate();
            }
        }));
    }

    @Override
    public CompletableFuture<java.util.Set<Long>> renewLeases(Collection<DeliveryJob> jobs, Instant until) {
        if (jobs.isEmpty()) return CompletableFuture.completedFuture(java.util.Set.of());
        Long[] seqs = jobs.stream().map(DeliveryJob::seq).toArray(Long[]::new);
        Long[] tokens = jobs.stream().map(DeliveryJob::lease).toArray(Long[]::new);
        return CompletableFuture.supplyAsync(() -> database.inTransaction(c -> {
            // Rows another transaction holds are skipped, never waited for: that transaction is this
            // replica's own outcome for the delivery (which ends the lease anyway), and waiting for it
            // while holding other rows deadlocked with outcome batches that hold those rows in turn.
            // A row skipped now is renewed a third of a lease later, well within its lease.
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH held AS (SELECT d.seq FROM delivery_queue d JOIN unnest(?::bigint[], ?::bigint[]) AS r(seq, token)
                                    ON d.seq = r.seq AND d.lease_token = r.token
                                  ORDER BY d.seq FOR UPDATE OF d SKIP LOCKED)
                    UPDATE delivery_queue d SET visible_us = ? FROM held WHERE d.seq = held.seq RETURNING d.seq""")) {
                ps.setArray(1, c.createArrayOf("bigint", seqs));
                ps.setArray(2, c.createArrayOf("bigint", tokens));
                ps.setLong(3, Micros.of(until));
                java.util.Set<Long> renewed = new java.util.HashSet<>();
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) renewed.add(rs.getLong(1));
                }
                return renewed;
            }
        }));
    }

    @Override
    public boolean leasesCanBeTakenOver() {
        return true;
    }

    @Override
    public boolean recordingPossible() {
        return database.unreachable().isEmpty();
    }

    @Override
    public void releaseOwnLeasesAtStart() {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE delivery_queue SET visible_us = next_attempt_us, lease_token = NULL, lease_owner = NULL WHERE lease_owner = ?")) {
                ps.setString(1, replicaId);
                return ps.executeUpdate();
            }
        });
    }

    // ---- outcomes ----

    @Override
    public CompletableFuture<Boolean> record(AttemptRecord record, Runnable afterCommit) {
        return outcomes.submit(record).thenApply(applied -> {
            afterCommit.run();
            return applied;
        });
    }

    @Override
    public void appendLog(List<AttemptRecord> records) {
        database.inTransaction(c -> {
            insertAttempts(c, records);
            return null;
        });
    }

    /**
     * One batch of outcomes: delivered and dead ones move from the queue to the history, retries update
     * their queue row; each only if the row still holds the lease the attempt was made under. Attempt-log
     * rows are written for the outcomes that applied. The same outcome twice applies once.
     */
    private PgBatcher.Result<Boolean> writeOutcomes(Connection c, List<AttemptRecord> records) throws SQLException {
        List<AttemptRecord> log = new ArrayList<>();
        List<DeliveryEffect> effects = new ArrayList<>();
        Map<Long, AttemptRecord> bySeq = new LinkedHashMap<>();
        for (AttemptRecord r : records) {
            if (r.trigger() == Trigger.TEST) log.add(r);
            else bySeq.merge(r.seq(), r, (a, b) -> b.attempt() > a.attempt() ? b : a);
        }
        if (!bySeq.isEmpty()) {
            List<AttemptRecord> decided = List.copyOf(bySeq.values());
            // Locks in sequence order, so two batches touching the same rows cannot deadlock.
            List<AttemptRecord> sorted = decided.stream().sorted(java.util.Comparator.comparingLong(AttemptRecord::seq)).toList();
            int n = sorted.size();
            Long[] seq = new Long[n];
            Long[] token = new Long[n];
            Integer[] attempt = new Integer[n];
            String[] status = new String[n];
            Long[] next = new Long[n];
            Integer[] code = new Integer[n];
            String[] error = new String[n];
            Long[] updated = new Long[n];
            for (int i = 0; i < n; i++) {
                AttemptRecord r = sorted.get(i);
                seq[i] = r.seq();
                token[i] = r.lease();
                attempt[i] = r.attempt();
                status[i] = r.newStatus().wireName();
                next[i] = r.nextAttemptAt().map(Micros::of).orElse(null);
                code[i] = r.statusCode().orElse(null);
                error[i] = r.success() ? null : r.error().orElse(null);
                updated[i] = Micros.of(r.answeredAt());
            }
            String stage = "unnest(?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::bigint[], ?::int[], ?::text[], ?::bigint[])"
                    + " AS s(seq, token, attempt, status, next_us, code, err, upd)";
            Set<Long> applied = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("WITH s AS (SELECT * FROM " + stage + "), "
                    + "moved AS (DELETE FROM delivery_queue q USING s WHERE q.seq = s.seq AND q.lease_token = s.token AND s.status <> 'pending' "
                    + "RETURNING q.seq, q.webhook_id, q.event_id, q.tenant, q.message_id, q.event_type, q.event_seq, s.status, s.attempt, q.budget_base, "
                    + "s.code, s.err, q.created_us, s.upd, q.entity_key) "
                    + "INSERT INTO delivery_history (seq, webhook_id, event_id, tenant, message_id, event_type, event_seq, status, attempts, budget_base, "
                    + "last_status_code, last_error, created_us, updated_us, entity_key) SELECT * FROM moved ON CONFLICT DO NOTHING RETURNING seq")) {
                bindStage(c, ps, seq, token, attempt, status, next, code, error, updated);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) applied.add(rs.getLong(1));
                }
            }
            if (decided.stream().anyMatch(r -> r.newStatus() == DeliveryStatus.PENDING)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE delivery_queue q SET attempts = s.attempt, requeued = false, "
                        + "next_attempt_us = s.next_us, visible_us = s.next_us, lease_token = NULL, lease_owner = NULL, last_status_code = s.code, "
                        + "last_error = s.err, updated_us = s.upd FROM " + stage
                        + " WHERE q.seq = s.seq AND q.lease_token = s.token AND s.status = 'pending' RETURNING q.seq")) {
                    bindStage(c, ps, seq, token, attempt, status, next, code, error, updated);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) applied.add(rs.getLong(1));
                    }
                }
            }
            if (decided.stream().anyMatch(r -> !applied.contains(r.seq()))) {
                // Parked (its webhook removed or disabled, a 410 to another of its deliveries) while the attempt
                // was in flight: the attempt is counted and logged, so a recover sends the next attempt number
                // and the log shows every request the receiver got. A 2xx makes it delivered (dead, a recover
                // would send it again); any other outcome leaves it parked. A stale or repeated outcome matches
                // nothing: only parked rows, and only a later attempt.
                String arrived = "s.status = 'delivered'";
                try (PreparedStatement ps = c.prepareStatement("UPDATE delivery_history h SET attempts = s.attempt, "
                        + "status = CASE WHEN " + arrived + " THEN s.status ELSE h.status END, "
                        + "last_status_code = CASE WHEN " + arrived + " THEN s.code ELSE h.last_status_code END, "
                        + "last_error = CASE WHEN " + arrived + " THEN NULL ELSE h.last_error END, "
                        + "updated_us = CASE WHEN " + arrived + " THEN s.upd ELSE h.updated_us END FROM " + stage
                        + " WHERE h.seq = s.seq AND h.status = 'dead' AND h.last_error = ? AND h.attempts < s.attempt RETURNING h.seq")) {
                    bindStage(c, ps, seq, token, attempt, status, next, code, error, updated);
                    ps.setString(9, WEBHOOK_REMOVED);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) applied.add(rs.getLong(1));
                    }
                }
            }
            for (AttemptRecord r : decided) {
                if (!applied.contains(r.seq())) continue; // a stale lease, or already recorded
                log.add(r);
                if (r.disableWebhookReason().isPresent() && disableWebhook(c, r.webhookId(), r.disableWebhookReason().get(), Micros.of(r.attemptedAt()))) {
                    effects.add(new DeliveryEffect.WebhookDisabled(r.tenant(), r.webhookId(), r.disableWebhookReason().get(), r.attemptedAt(), r.attemptedAt()));
                }
            }
            List<AttemptRecord> recorded = log.stream().filter(r -> r.trigger() != Trigger.TEST).toList();
            effects.addAll(WebhookHealthSql.deaths(recorded));
            effects.addAll(WebhookHealthSql.apply(c, recorded, healthRule, PgDeliveryStore::disableWebhook));
            UnreportedEffectsSql.keep(c, effects);
        }
        insertAttempts(c, log);
        List<Boolean> results = AppliedOutcomes.of(records, log);
        DeliveryEffects told = effectsListener;
        return new PgBatcher.Result<>(results, () -> {
            if (!effects.isEmpty()) told.committed(effects);
        });
    }

    private static void bindStage(Connection c, PreparedStatement ps, Long[] seq, Long[] token, Integer[] attempt, String[] status, Long[] next,
                                  Integer[] code, String[] error, Long[] updated) throws SQLException {
        ps.setArray(1, c.createArrayOf("bigint", seq));
        ps.setArray(2, c.createArrayOf("bigint", token));
        ps.setArray(3, c.createArrayOf("integer", attempt));
        ps.setArray(4, c.createArrayOf("text", status));
        ps.setArray(5, c.createArrayOf("bigint", next));
        ps.setArray(6, c.createArrayOf("integer", code));
        ps.setArray(7, c.createArrayOf("text", error));
        ps.setArray(8, c.createArrayOf("bigint", updated));
    }

    /**
     * Attempt-log rows in one statement, whatever their number: a batch of single-row inserts ran as
     * several statements of different shapes (the driver rewrites a batch into multi-row inserts of
     * power-of-two sizes), each parsed and planned on its own.
     */
    private static void insertAttempts(Connection c, List<AttemptRecord> log) throws SQLException {
        if (log.isEmpty()) return;
        int n = log.size();
        String[] attemptIds = new String[n];
        String[] tenants = new String[n];
        String[] webhookIds = new String[n];
        String[] eventIds = new String[n];
        String[] messageIds = new String[n];
        Integer[] attempts = new Integer[n];
        String[] triggers = new String[n];
        Integer[] codes = new Integer[n];
        Boolean[] successes = new Boolean[n];
        String[] errors = new String[n];
        Long[] durations = new Long[n];
        String[] bodies = new String[n];
        Long[] attempted = new Long[n];
        for (int i = 0; i < n; i++) {
            AttemptRecord r = log.get(i);
            attemptIds[i] = r.attemptId();
            tenants[i] = r.tenant();
            webhookIds[i] = r.webhookId();
            eventIds[i] = r.eventId();
            messageIds[i] = r.messageId();
            attempts[i] = r.attempt();
            triggers[i] = r.trigger().wireName();
            codes[i] = r.statusCode().orElse(null);
            successes[i] = r.success();
            errors[i] = r.error().orElse(null);
            durations[i] = r.durationMillis();
            bodies[i] = r.responseBody();
            attempted[i] = Micros.of(r.attemptedAt());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO delivery_attempts (attempt_id, tenant, webhook_id, event_id, message_id, attempt, trigger, status_code, success, error,
                    duration_ms, response_body, attempted_us)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::int[], ?::boolean[], ?::text[],
                    ?::bigint[], ?::text[], ?::bigint[])
                ON CONFLICT (attempt_id) DO NOTHING""")) {
            ps.setArray(1, c.createArrayOf("text", attemptIds));
            ps.setArray(2, c.createArrayOf("text", tenants));
            ps.setArray(3, c.createArrayOf("text", webhookIds));
            ps.setArray(4, c.createArrayOf("text", eventIds));
            ps.setArray(5, c.createArrayOf("text", messageIds));
            ps.setArray(6, c.createArrayOf("integer", attempts));
            ps.setArray(7, c.createArrayOf("text", triggers));
            ps.setArray(8, c.createArrayOf("integer", codes));
            ps.setArray(9, c.createArrayOf("boolean", successes));
            ps.setArray(10, c.createArrayOf("text", errors));
            ps.setArray(11, c.createArrayOf("bigint", durations));
            ps.setArray(12, c.createArrayOf("text", bodies));
            ps.setArray(13, c.createArrayOf("bigint", attempted));
            ps.executeUpdate();
        }
    }

    /** True when the webhook was active and is now disabled, its pending deliveries parked. */
    private static boolean disableWebhook(Connection c, String webhookId, String reason, long nowMicros) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET active = false, disabled_reason = ?, updated_us = ? WHERE id = ? AND active")) {
            ps.setString(1, reason);
            ps.setLong(2, nowMicros);
            ps.setString(3, webhookId);
            if (ps.executeUpdate() == 0) return false;
        }
        PgWebhookStore.bumpEpoch(c);
        parkWebhook(c, webhookId, nowMicros);
        return true;
    }

    @Override
    public void listen(DeliveryEffects effects) {
        this.effectsListener = effects;
    }

    @Override
    public List<DeliveryEffect> unreportedEffects(Instant before, int limit) {
        return database.read(c -> UnreportedEffectsSql.unreported(c, before, limit));
    }

    @Override
    public CompletableFuture<Void> effectsReported(Collection<DeliveryEffect> reported) {
        return CompletableFuture.runAsync(() -> database.inTransaction(c -> {
            UnreportedEffectsSql.forgetDeaths(c, reported);
            UnreportedEffectsSql.forgetWebhookChanges(c, reported);
            return null;
        }));
    }

    /** The pending deliveries of a webhook that no longer takes them move to the history, dead with "webhook removed". */
    static void parkWebhook(Connection c, String webhookId, long nowMicros) throws SQLException {
        park(c, "webhook_id = ?", nowMicros, webhookId);
    }

    private static int park(Connection c, String condition, long nowMicros, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH moved AS (DELETE FROM delivery_queue WHERE " + condition
                + " RETURNING seq, webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, budget_base, last_status_code, created_us, "
                + "entity_key) INSERT INTO delivery_history (seq, webhook_id, event_id, tenant, message_id, event_type, event_seq, status, attempts, "
                + "budget_base, last_status_code, last_error, created_us, updated_us, entity_key) SELECT seq, webhook_id, event_id, tenant, message_id, "
                + "event_type, event_seq, 'dead', attempts, budget_base, last_status_code, ?, created_us, ?, entity_key FROM moved")) {
            int i = 1;
            for (String p : params) ps.setString(i++, p);
            ps.setString(i++, WEBHOOK_REMOVED);
            ps.setLong(i, nowMicros);
            return ps.executeUpdate();
        }
    }

    /**
     * The engine met a delivery whose webhook it does not know as active. Parked only if the store agrees
     * the webhook is gone; if it exists (created on another replica a moment ago), the lease is given up
     * and the delivery looked at again shortly, once this replica has learned of the webhook.
     */
    @Override
    public CompletableFuture<Void> parkRemoved(DeliveryJob job, Instant now) {
        DeliveryKey key = job.key();
        return CompletableFuture.runAsync(() -> database.inTransaction(c -> {
            long nowMicros = Micros.of(now);
            boolean active;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhooks WHERE id = ? AND active AND NOT deleted")) {
                ps.setString(1, key.webhookId());
                try (ResultSet rs = ps.executeQuery()) {
                    active = rs.next();
                }
            }
            if (!active) return park(c, "webhook_id = ? AND event_id = ?", nowMicros, key.webhookId(), key.eventId());
            // Fenced like an outcome: a replica paused past its lease must not release the new owner's.
            try (PreparedStatement ps = c.prepareStatement("UPDATE delivery_queue SET visible_us = ?, lease_token = NULL, lease_owner = NULL "
                    + "WHERE webhook_id = ? AND event_id = ? AND lease_token = ?")) {
                ps.setLong(1, nowMicros + UNKNOWN_WEBHOOK_RETRY.toNanos() / 1000);
                ps.setString(2, key.webhookId());
                ps.setString(3, key.eventId());
                ps.setLong(4, job.lease());
                return ps.executeUpdate();
            }
        }));
    }

    // ---- reads and manual actions ----

    @Override
    public Page<Delivery> list(String tenant, String webhookId, dev.eventwire.delivery.DeliveryFilter filter, PageRequest page) {
        return database.read(c -> READS.list(c, tenant, webhookId, filter, page));
    }

    @Override
    public Optional<Delivery> find(String tenant, String webhookId, String eventId) {
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

    /**
     * Inserts the deliveries that neither table has. A delivery finishing at the same moment could slip
     * between the two checks; the history insert of finishing outcomes tolerates the resulting second row
     * (the receiver then gets the event once more, under a new message id — at least once still holds).
     */
    @Override
    public int queueMissing(String webhookId, List<ReplayDelivery> deliveries, Instant now) {
        if (deliveries.isEmpty()) return 0;
        long nowMicros = Micros.of(now);
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO delivery_queue (webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, budget_base, requeued,
                        next_attempt_us, visible_us, created_us, updated_us, entity_key)
                    SELECT ?, e, t, m, ty, es, 0, 0, false, ?, ?, ?, ?, en FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
                        AS u(e, t, m, ty, es, en)
                    WHERE NOT EXISTS (SELECT 1 FROM delivery_history h WHERE h.webhook_id = ? AND h.event_id = u.e)
                    ON CONFLICT (webhook_id, event_id) DO NOTHING""")) {
                ps.setString(1, webhookId);
                for (int i = 2; i <= 5; i++) ps.setLong(i, nowMicros);
                ps.setArray(6, c.createArrayOf("text", deliveries.stream().map(ReplayDelivery::eventId).toArray()));
                ps.setArray(7, c.createArrayOf("text", deliveries.stream().map(ReplayDelivery::tenant).toArray()));
                ps.setArray(8, c.createArrayOf("text", deliveries.stream().map(ReplayDelivery::messageId).toArray()));
                ps.setArray(9, c.createArrayOf("text", deliveries.stream().map(ReplayDelivery::eventType).toArray()));
                ps.setArray(10, c.createArrayOf("bigint", deliveries.stream().map(ReplayDelivery::eventSeq).toArray()));
                ps.setArray(11, c.createArrayOf("text", deliveries.stream().map(d -> d.entityKey().orElse(null)).toArray()));
                ps.setString(12, webhookId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public boolean retry(String tenant, String webhookId, String eventId, Instant now) {
        return requeueDead(tenant, webhookId, now, "event_id = ?", ps -> ps.setString(3, eventId)) > 0;
    }

    @Override
    public int recover(String tenant, String webhookId, Instant since, Instant now) {
        return requeueDead(tenant, webhookId, now, "updated_us >= ?", ps -> ps.setLong(3, Micros.of(since)));
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Dead deliveries matching {@code condition} move back to the queue, due now with a fresh attempt budget. */
    private int requeueDead(String tenant, String webhookId, Instant now, String condition, Binder third) {
        return database.inTransaction(c -> {
            long n = Micros.of(now);
            try (PreparedStatement ps = c.prepareStatement("WITH moved AS (DELETE FROM delivery_history WHERE tenant = ? AND webhook_id = ? "
                    + "AND status = 'dead' AND " + condition + " RETURNING *) "
                    + "INSERT INTO delivery_queue (seq, webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, budget_base, requeued, "
                    + "next_attempt_us, visible_us, last_status_code, last_error, created_us, updated_us, entity_key) "
                    + "SELECT seq, webhook_id, event_id, tenant, message_id, event_type, event_seq, attempts, attempts, true, ?, ?, last_status_code, "
                    + "last_error, created_us, ?, entity_key FROM moved")) {
                ps.setString(1, tenant);
                ps.setString(2, webhookId);
                third.bind(ps);
                ps.setLong(4, n);
                ps.setLong(5, n);
                ps.setLong(6, n);
                return ps.executeUpdate();
            }
        });
    }
}
