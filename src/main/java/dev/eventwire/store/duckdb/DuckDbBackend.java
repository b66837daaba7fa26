package dev.eventwire.store.duckdb;

import dev.eventwire.auth.KeyStore;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.delivery.PendingDeliveries;
import dev.eventwire.delivery.WebhookHealthRule;
import dev.eventwire.events.EventStore;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.metrics.MetricStore;
import dev.eventwire.store.PendingCount;
import dev.eventwire.retention.RetentionStore;
import dev.eventwire.store.ReplicaDirectory;
import dev.eventwire.store.SqlKeyStore;
import dev.eventwire.store.SqlRetention;
import dev.eventwire.store.SqlWork;
import dev.eventwire.support.Awaits;
import dev.eventwire.store.StoreBackend;
import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.Ids;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookStore;
import dev.eventwire.backup.StoreSnapshots;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The embedded backend: two DuckDB files owned by this process and an ingest journal beside them. Ingest
 * requests are answered once their group is in the journal ({@link IngestJournal}); three writers commit
 * in parallel behind it: ingest (the journaled events with the deliveries they owe and their metric
 * points; keys, webhooks) and metric rollups in the event log file, and delivery (delivery rows, claims,
 * attempt outcomes) in the delivery file, so neither delivery traffic, any file's checkpoints, nor
 * rollups slow ingest acknowledgements.
 */
public final class DuckDbBackend implements StoreBackend {
    /** Outcomes and claims per delivery commit: a commit costs about the same for 10 or 5,000 outcomes. */
    private static final int DELIVERY_GROUP_SIZE = 8192;
    /**
     * Outcomes are written in groups of up to 4,096: nobody waits on an outcome's commit (the attempt's
     * slot is free once the response is in), and a delivery transaction costs the writer about 20 ms of
     * CPU however few outcomes it holds (a dozen statements and appenders, the commit). Under a heavy load
     * (the group before had 64 pieces of work or more) a group of outcomes alone waits up to 200 ms for
     * more; under a lighter one it begins at least 200 ms after the group before. Work somebody waits for
     * never waits for the fill: a claim, a read, a webhook test's attempt or the outcome of an entity-ordered
     * delivery (whose entity's next delivery becomes claimable with its commit) ends the wait and goes in
     * the same transaction. At a steady 1,000 events/s to two webhooks that is 6–7 transactions a second
     * instead of 10, and the writer used 0.18–0.20 of a core instead of 0.25–0.26 (docs/group-commit.md).
     */
    private static final GroupCommitWriter.Fill DELIVERY_FILL = new GroupCommitWriter.Fill(4096, Duration.ofMillis(200), 64, Duration.ofMillis(200));

    /** The ingest journal's folder in the data folder. */
    static final String JOURNAL_DIR = "ingest-journal";

    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final GroupCommitWriter deliveryWriter;
    private final GroupCommitWriter rollupWriter;
    private final DuckDbDeliveryStore deliveries;
    private final DuckDbWebhookStore webhooks;
    private final SqlKeyStore keys;
    private final DuckDbMetricStore metrics;
    private final ReplicaDirectory replicas;
    private final EventIdIndex eventIds;
    private final EventLogApplier eventLog;
    private final CommitObserver commits;
    /** Held by a backup being written and by each step removing old events: never both at once. */
    private final java.util.concurrent.locks.Lock eventRemoval = new java.util.concurrent.locks.ReentrantLock();
    /** The event store made by {@link #events}, closed first so what it acknowledged is written before the writers stop. */
    private DuckDbEventStore events;

    /** {@code commits}: told how long each group commit of the three writers takes. */
    public DuckDbBackend(Path dataDir, Ids ids, Clock clock, Duration lease, FiltersCodec filters, ReplicaDirectory replicas,
                         WebhookHealthRule health, CommitObserver commits) {
        this(dataDir, ids, clock, lease, filters, dev.eventwire.store.SecretSeal.none(), replicas, health, commits);
    }

    /** {@code secrets}: how webhook secrets are stored (sealed with a key, or as they are). */
    public DuckDbBackend(Path dataDir, Ids ids, Clock clock, Duration lease, FiltersCodec filters, dev.eventwire.store.SecretSeal secrets,
                         ReplicaDirectory replicas, WebhookHealthRule health, CommitObserver commits) {
        this.commits = commits;
        this.database = DuckDbDatabase.open(dataDir);
        this.writer = new GroupCommitWriter(database, "eventwire-ingest-writer", GroupCommitWriter.DEFAULT_GROUP_SIZE, commits);
        this.deliveryWriter = new GroupCommitWriter(database, "eventwire-delivery-writer", DELIVERY_GROUP_SIZE, DELIVERY_FILL, commits);
        this.rollupWriter = new GroupCommitWriter(database, "eventwire-rollup-writer", GroupCommitWriter.DEFAULT_GROUP_SIZE, commits);
        // Outcomes and rollups are bookkeeping nobody's request waits on: on saturated cores the ingest
        // writer and the API run first (see docs/group-commit.md, "CPU at a steady load").
        deliveryWriter.runBehindRequests();
        rollupWriter.runBehindRequests();
        // The rollup writer works every second anyway; the other two may have nothing to do while they fail.
        writer.probeWhileFailingWith(probe(DuckDbDatabase.CATALOG));
        deliveryWriter.probeWhileFailingWith(probe(DuckDbDatabase.DELIVERY_CATALOG));
        try {
            // First: the groups a crash left only in the journal, so everything below reads a complete event log.
            this.eventLog = EventLogApplier.open(dataDir.resolve(JOURNAL_DIR), writer, clock);
            database.beforeEachRead(eventLog::awaitApplied);
            // A delivery writer transaction writes the rows of acknowledged events: it begins once the event log holds them.
            deliveryWriter.beforeEachTransaction(eventLog::awaitApplied);
            this.deliveries = new DuckDbDeliveryStore(database, deliveryWriter, writer, eventLog::awaitApplied, ids, clock, lease, health);
            eventLog.onEventsApplied(deliveries::logged);
            this.webhooks = new DuckDbWebhookStore(database, writer, filters, secrets, deliveries);
            this.keys = new SqlKeyStore(this::written, database::read);
            this.metrics = new DuckDbMetricStore(database, rollupWriter, eventLog::awaitApplied);
            this.replicas = replicas;
            this.eventIds = writer.runNow(EventIdIndex::load);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The files, for reads tests make directly. */
    DuckDbDatabase database() {
        return database;
    }

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public DeliveryStore deliveries() {
        return deliveries;
    }

    /** Runs {@code work} on the event log's writer (API keys live in that file) and waits for its commit. */
    private <T> T written(SqlWork<T> work) {
        return Awaits.await(writer.submit(work));
    }

    @Override
    public WebhookStore webhooks() {
        return webhooks;
    }

    @Override
    public KeyStore keys() {
        return keys;
    }

    @Override
    public byte[] cursorKey() {
        return dev.eventwire.store.SqlCursorKey.load(this::written, database::read);
    }

    @Override
    public MetricStore metrics() {
        return metrics;
    }

    @Override
    public synchronized EventStore events(IngestCommit commit) {
        if (events != null) throw new IllegalStateException("the event store is made once");
        events = new DuckDbEventStore(database, writer, eventLog, deliveries, commit, eventIds, commits);
        return events;
    }

    @Override
    public PendingDeliveries pendingDeliveries() {
        return new PendingCount(work -> {
            deliveries.awaitWritten(); // counted from the delivery rows, which follow the event log
            return database.read(work);
        });
    }

    @Override
    public RetentionStore retention() {
        // The event log file's tables on the rollup writer, a background job, so ingest never waits behind a
        // retention step; the delivery file's on the delivery writer (a transaction writes one file). An event
        // is kept until its deliveries are written to the delivery file and none of them is pending.
        String pointFolded = "seq <= (SELECT rolled_up_seq FROM metric_rollup WHERE id = 1)";
        String eventDone = "(fan_out IS NULL OR seq <= (SELECT event_seq FROM fan_out_cursor))";
        SqlRetention inLog = new SqlRetention(work -> Awaits.await(rollupWriter.submit(work)), pointFolded, eventDone);
        SqlRetention inDeliveryFile = new SqlRetention(work -> Awaits.await(deliveryWriter.submit(work)), pointFolded, eventDone);
        return new DuckDbRetention(inLog, inDeliveryFile, rollupWriter, eventIds, eventRemoval);
    }

    @Override
    public Optional<StoreSnapshots> snapshots() {
        return Optional.of(new DuckDbSnapshots(database, eventRemoval));
    }

    @Override
    public ReplicaDirectory replicas() {
        return replicas;
    }

    /** A write to {@code catalog}'s file that changes nothing: its newest schema version row, set to itself. */
    private static String probe(String catalog) {
        String table = catalog + ".main.schema_version";
        return "UPDATE " + table + " SET applied_us = applied_us WHERE version = (SELECT max(version) FROM " + table + ")";
    }

    @Override
    public void start() {
        writer.start();
        deliveryWriter.start();
        rollupWriter.start();
    }

    @Override
    public Optional<WriteProblem> writeProblem() {
        List<GroupCommitWriter.Problem> writers = java.util.stream.Stream.of(writer, deliveryWriter, rollupWriter)
                .flatMap(w -> w.problem().stream()).toList();
        // One that needs the store reopened first, whichever writer met it: it decides whether the process restarts.
        Optional<GroupCommitWriter.Problem> fatal = writers.stream().filter(GroupCommitWriter.Problem::fatal).findFirst();
        if (fatal.isPresent()) return Optional.of(new WriteProblem(fatal.get().reason(), true));
        Optional<String> journal = eventLog.problem();
        if (journal.isPresent()) return Optional.of(new WriteProblem(journal.get(), false));
        return writers.stream().findFirst().map(p -> new WriteProblem(p.reason(), false));
    }

    @Override
    public Optional<String> recentRefusal() {
        return eventLog.recentRefusal();
    }

    @Override
    public void close() {
        if (events != null) events.close();
        if (eventLog != null) eventLog.close();
        writer.close();
        deliveryWriter.close();
        rollupWriter.close();
        database.close();
    }
}
