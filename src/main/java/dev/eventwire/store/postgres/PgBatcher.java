package dev.eventwire.store.postgres;

import dev.eventwire.store.WriteQueue;
import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.StoreUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for PostgreSQL: items submitted by many threads are written by a few writer threads,
 * each taking whatever is queued (up to a batch) into one transaction, so a commit's fsync is shared by
 * many requests. The queue is bounded; a full queue makes the caller wait, which is backpressure, never loss.
 *
 * <p>A batcher may also linger: after taking the first item it waits up to a short while for the batch to
 * fill to a given size. Each transaction has a fixed cost (round trips, planning, a WAL flush) that several
 * replicas writing small batches would multiply; lingering keeps batches large where the wait is not
 * felt (outcomes: the attempt's slot is free before its outcome is written).
 */
final class PgBatcher<T, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgBatcher.class);
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Writes one batch in an open transaction; returns one result per item, in order. */
    @FunctionalInterface
    interface BatchWrite<T, R> {
        Result<R> write(Connection connection, List<T> items) throws SQLException;
    }

    /** The results of one batch and what to run right after its commit. */
    record Result<R>(List<R> results, Runnable afterCommit) {
    }

    private record Pending<T, R>(T item, CompletableFuture<R> done) {
    }

    private final PgDatabase database;
    private final BatchWrite<T, R> write;
    private final int maxBatch;
    private final int fillTo;
    private final long lingerNanos;
    private final BlockingQueue<Pending<T, R>> queue;
    private final List<Thread> threads = new ArrayList<>();
    private final String name;
    private final CommitObserver commits;
    private volatile boolean running = true;
    /** Why the last batch failed, until a batch or a probe succeeds. */
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final AtomicLong lastProbeNanos = new AtomicLong(System.nanoTime());
    /** One line per ten seconds: a client sending such values could otherwise write the log full. */
    private final dev.eventwire.support.QuietWarnings refusedValues = new dev.eventwire.support.QuietWarnings(log, Duration.ofSeconds(10));

    /** {@code commits}: told how long each batch's transaction took, under {@code name}. */
    PgBatcher(PgDatabase database, String name, int writers, int maxBatch, BatchWrite<T, R> write, CommitObserver commits) {
        this(database, name, writers, maxBatch, 1, Duration.ZERO, write, commits);
    }

    /** A batcher that waits up to {@code linger} after a batch's first item for the batch to hold {@code fillTo} items. */
    PgBatcher(PgDatabase database, String name, int writers, int maxBatch, int fillTo, Duration linger, BatchWrite<T, R> write,
              CommitObserver commits) {
        this.fillTo = Math.min(fillTo, maxBatch);
        this.lingerNanos = linger.toNanos();
        this.database = database;
        this.name = name;
        this.commits = commits;
        this.write = write;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(maxBatch * 8);
        for (int i = 0; i < writers; i++) threads.add(Thread.ofPlatform().name(name + "-" + i).daemon(true).unstarted(this::loop));
    }

    void start() {
        threads.forEach(Thread::start);
    }

    CompletableFuture<R> submit(T item) {
        CompletableFuture<R> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new StoreUnavailableException("the store is closed", null));
            return done;
        }
        WriteQueue.offer(queue, new Pending<>(item, done), done, 30);
        return done;
    }

    /** Why the last batch failed, until a batch succeeds or the database is seen to take writes again. */
    java.util.Optional<String> problem() {
        return java.util.Optional.ofNullable(problem.get());
    }

    private void loop() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    probeIfFailing();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                fill(batch);
                run(batch);
            } catch (InterruptedException e) {
                if (!running) break;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * While the last batch failed and no new work comes to show that writes work again, asks the database
     * once a second whether it takes writes. An idle replica otherwise kept reporting the old failure on
     * {@code /health} — and a load balancer kept it out, so no write came to clear it — for minutes after
     * the database was back.
     */
    private void probeIfFailing() {
        String seen = problem.get();
        long last = lastProbeNanos.get();
        long now = System.nanoTime();
        if (seen == null || now - last < PROBE_EVERY_NANOS || !lastProbeNanos.compareAndSet(last, now)) return;
        try {
            boolean writable = database.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT current_setting('transaction_read_only') = 'off'")) {
                        if (!rs.next() || !rs.getBoolean(1)) return false;
                    }
                    // A table locked against writes by another session (an operator's LOCK TABLE) fails every write
                    // waiting for it: the probe once cleared the failure a second later while the lock was still held.
                    String tables;
                    try (ResultSet rs = st.executeQuery("SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables"
                            + " WHERE schemaname = current_schema() AND tablename <> 'schema_version'")) {
                        tables = rs.next() ? rs.getString(1) : null;
                    }
                    if (tables != null) st.execute("LOCK TABLE " + tables + " IN ROW EXCLUSIVE MODE NOWAIT");
                    return true;
                }
            });
            // A failure meanwhile is newer news than this probe: it stays.
            if (writable && problem.compareAndSet(seen, null)) log.info("writes to the database succeed again");
        } catch (RuntimeException stillFailing) {
            // the next probe, or the next batch, tells
        }
    }

    /** Lingers for more items while the batch is below {@code fillTo}, at most {@code lingerNanos} in all. */
    private void fill(List<Pending<T, R>> batch) throws InterruptedException {
        long deadline = System.nanoTime() + lingerNanos;
        while (batch.size() < fillTo) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            Pending<T, R> next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) return;
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void run(List<Pending<T, R>> batch) {
        List<T> items = batch.stream().map(Pending::item).toList();
        Result<R> result;
        long started = System.nanoTime();
        try {
            result = database.inTransaction(c -> write.write(c, items));
        } catch (RuntimeException e) {
            commits.committed(name, System.nanoTime() - started);
            if (refusedForAValue(e)) {
                refuseForAValue(batch, e);
                return;
            }
            if (problem.getAndSet(String.valueOf(e.getMessage())) == null) log.warn("writes to the database fail: {}", e.getMessage());
            batch.forEach(p -> p.done().completeExceptionally(e instanceof StoreUnavailableException ? e
                    : new StoreUnavailableException("the database refused a write: " + e.getMessage(), e)));
            return;
        }
        commits.committed(name, System.nanoTime() - started);
        if (problem.getAndSet(null) != null) log.info("writes to the database succeed again");
        try {
            result.afterCommit().run();
        } catch (RuntimeException e) {
            log.error("an after-commit step failed", e);
        }
        for (int i = 0; i < batch.size(); i++) batch.get(i).done().complete(result.results().get(i));
    }

    /**
     * A data exception (SQLSTATE class 22: a character the encoding refuses, a number out of range) is about
     * a value in the batch, not the database: the database takes writes, so it is no reason for 503s or for
     * {@code /health}. Before, one tenant's value failed every item batched with it, every tenant's, again
     * and again (a receiver's answer holding a NUL stopped deliveries on every replica).
     */
    private static boolean refusedForAValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) return true;
        }
        return false;
    }

    /** Writes each item of the batch alone, so only the one holding the value fails: with a 422 its client can act on. */
    private void refuseForAValue(List<Pending<T, R>> batch, RuntimeException e) {
        if (batch.size() > 1) {
            for (Pending<T, R> p : batch) run(List.of(p));
            return;
        }
        refusedValues.warn("the database refused a value in one write on " + name + " (only that write fails): " + e.getMessage());
        batch.getFirst().done().completeExceptionally(new dev.eventwire.support.ApiException(422, "unstorable_value",
                "A value in this request cannot be stored (the database refuses it).", null));
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
