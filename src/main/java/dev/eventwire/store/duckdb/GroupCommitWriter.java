package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlWork;
import dev.eventwire.store.WriteQueue;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the database. Callers submit work; the writer thread takes everything queued
 * (up to a bound), runs it in one transaction and commits once, then completes every caller's future.
 * DuckDB commits cost milliseconds each while set-based writes cost microseconds a row, so sharing
 * commits is what makes thousands of writes per second possible (see docs/group-commit.md).
 *
 * <p>If a shared transaction fails, each piece of work is run again alone, so one bad piece fails only
 * its own caller. Work submitted as {@link Batchable} of the same kind is merged into one set-based call.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Work items per group when the creator does not say: ingest requests carry up to 1000 events each. */
    public static final int DEFAULT_GROUP_SIZE = 512;
    private static final int QUEUE_CAPACITY = 65_536;
    private static final int MAX_CONFLICT_RETRIES = 5;
    /** A quoted absolute path in a database message; group 1 is its file name. */
    private static final java.util.regex.Pattern QUOTED_PATH = java.util.regex.Pattern.compile("\"/(?:[^\"]*/)?([^\"/]*)\"");
    private static final long PROBE_INTERVAL_NANOS = 5_000_000_000L;

    private final Connection connection;
    private final int maxGroupSize;
    private final Fill fill;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private final CommitObserver observer;
    private volatile boolean stopping;
    private volatile Problem problem;
    private Prologue prologue = c -> null;
    private Runnable beforeBegin = () -> { };
    /** A harmless write that tells whether the file takes writes again; null for none. */
    private String probe;
    /** When this writer last tried to write: a group or a probe. */
    private long lastAttemptNanos;
    /** Counts transactions begun, so work can tell a new transaction from a retry of a failed one. */
    private long transactions;

    /** Work that may be merged with adjacent work of the same {@link #kind()} into one call. */
    public interface Batchable<R> {
        /** Work of the same kind is merged; the kind runs the merged list. */
        BatchKind<R> kind();

        /** Whether somebody waits for this piece's commit, so it ends a group's wait for more work as unmergeable work does. */
        default boolean awaited() {
            return false;
        }
    }

    /** Runs a merged list of work items in the open transaction. */
    public interface BatchKind<R> {
        BatchResult<R> runAll(Connection connection, List<? extends Batchable<R>> items) throws SQLException;
    }

    /**
     * Work that opens every transaction of this writer, before any submitted work; returns what to run once
     * that transaction has committed (null for nothing).
     */
    @FunctionalInterface
    public interface Prologue {
        Runnable run(Connection connection) throws SQLException;
    }

    /**
     * How long a group of mergeable work alone (which nobody waits on) that has fewer than {@code target}
     * pieces waits for more before it runs, when the group before it had at least {@code busyFrom}. Each
     * commit and each statement has a fixed cost; under a heavy load work that nobody waits on
     * (recorded outcomes) is cheaper in fewer, larger groups. And {@code pace}: under a lighter load such a
     * group begins no sooner than this after the group before began, so a steady trickle of it is not
     * written one transaction per piece. Work somebody waits for (unmergeable work, or mergeable work that
     * says it is {@link Batchable#awaited() awaited}) never waits for either: it ends the wait and goes in
     * the same transaction. {@link #NONE} for writers whose callers wait (ingest).
     */
    public record Fill(int target, java.time.Duration linger, int busyFrom, java.time.Duration pace) {
        public static final Fill NONE = new Fill(1, java.time.Duration.ZERO, Integer.MAX_VALUE, java.time.Duration.ZERO);
    }

    /** One result per merged item, in order, and what to run on the writer thread once the commit is durable. */
    public record BatchResult<R>(List<R> results, Runnable afterCommit) {
    }

    private record Task<R>(SqlWork<R> single, Batchable<R> batchable, boolean unordered, Consumer<R> afterCommit, CompletableFuture<R> future) {
        void complete(Object result) {
            @SuppressWarnings("unchecked") R r = (R) result;
            if (afterCommit != null) {
                try {
                    afterCommit.accept(r);
                } catch (RuntimeException e) {
                    log.error("after-commit hook failed", e);
                }
            }
            future.complete(r);
        }
    }

    public GroupCommitWriter(DuckDbDatabase database, String name) {
        this(database, name, DEFAULT_GROUP_SIZE);
    }

    /** {@code maxGroupSize}: work items merged into one commit at most (outcomes are small: thousands fit). */
    public GroupCommitWriter(DuckDbDatabase database, String name, int maxGroupSize) {
        this(database, name, maxGroupSize, CommitObserver.NONE);
    }

    /** {@code observer}: told the duration of every group (for the commit-time histogram). */
    public GroupCommitWriter(DuckDbDatabase database, String name, int maxGroupSize, CommitObserver observer) {
        this(database, name, maxGroupSize, Fill.NONE, observer);
    }

    /** {@code fill}: how long a small group waits for more work before it runs. */
    public GroupCommitWriter(DuckDbDatabase database, String name, int maxGroupSize, Fill fill, CommitObserver observer) {
        this.fill = fill;
        this.observer = observer;
        this.maxGroupSize = maxGroupSize;
        this.connection = database.newWriteConnection();
        this.thread = Thread.ofPlatform().name(name).daemon(false).unstarted(this::loop);
    }

    /**
     * Runs this writer's thread below normal priority (a higher nice value, with the launcher's
     * {@code -XX:ThreadPriorityPolicy=1}), for bookkeeping nobody's request waits on: when the cores are
     * saturated, the ingest writer and the API's requests get the CPU first. Call before {@link #start()}.
     */
    public void runBehindRequests() {
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /** Sets the work that opens each transaction; call before {@link #start()}. */
    public void beginEachTransactionWith(Prologue prologue) {
        this.prologue = prologue;
    }

    /**
     * Sets what runs before each transaction begins, outside it: a wait for another writer whose commits
     * this one's transactions must see (a transaction reads the snapshot it began with). Call before
     * {@link #start()}.
     */
    public void beforeEachTransaction(Runnable wait) {
        this.beforeBegin = wait;
    }

    /** Whether the caller is this writer's thread. */
    public boolean isWriterThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * While this writer cannot write and has had nothing to do for a few seconds, it tries {@code sql} — a
     * write that changes nothing — every few seconds, so the problem clears when the disk has room again
     * even if no request comes: a server that reports itself unavailable gets no traffic behind a load
     * balancer, and would otherwise stay unavailable for good. (A probe is a few bytes: on a disk with a
     * little room it may pass while larger writes still fail; the next of those reports the problem again.)
     * Call before {@link #start()}.
     */
    public void probeWhileFailingWith(String sql) {
        this.probe = sql;
    }

    public void start() {
        thread.start();
    }

    /** Runs {@code work} in a group transaction; {@code afterCommit} runs on the writer thread right after the commit, before later groups. */
    public <R> CompletableFuture<R> submit(SqlWork<R> work, Consumer<R> afterCommit) {
        return enqueue(new Task<>(work, null, false, afterCommit, new CompletableFuture<>()));
    }

    /**
     * Runs {@code work} in a group transaction after the group's merged work, without splitting it into
     * segments: for work whose order relative to its neighbours does not matter (claims, lease releases),
     * so a claim between two outcomes does not cost the outcomes a second merged write.
     */
    public <R> CompletableFuture<R> submitUnordered(SqlWork<R> work) {
        return submitUnordered(work, null);
    }

    /** As {@link #submitUnordered(SqlWork)}; {@code afterCommit} runs on the writer thread right after the commit. */
    public <R> CompletableFuture<R> submitUnordered(SqlWork<R> work, Consumer<R> afterCommit) {
        return enqueue(new Task<>(work, null, true, afterCommit, new CompletableFuture<>()));
    }

    public <R> CompletableFuture<R> submit(SqlWork<R> work) {
        return submit(work, null);
    }

    public <R> CompletableFuture<R> submitBatchable(Batchable<R> item, Consumer<R> afterCommit) {
        return enqueue(new Task<>(null, item, false, afterCommit, new CompletableFuture<>()));
    }

    /** Runs work on the writer connection outside any group (for start-up reads of writer state). */
    public <R> R runNow(SqlWork<R> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("store write failed: " + e.getMessage(), e);
        }
    }

    /** Whether work waits to be taken: a transaction is coming, and its prologue runs first. */
    public boolean hasQueuedWork() {
        return !queue.isEmpty();
    }

    private <R> CompletableFuture<R> enqueue(Task<R> task) {
        if (stopping) {
            task.future.completeExceptionally(new StoreUnavailableException("the store is shutting down", null));
            return task.future;
        }
        WriteQueue.offer(queue, task, task.future, 10);
        return task.future;
    }

    private void loop() {
        List<Task<?>> group = new ArrayList<>();
        int previousGroupSize = 0;
        long previousStart = System.nanoTime() - fill.pace().toNanos();
        SlowCommits slowCommits = new SlowCommits(log, thread.getName());
        while (true) {
            try {
                Task<?> first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) break;
                    probeIfFailing();
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroupSize - 1);
                if (group.size() < fill.target() && nobodyWaits(group)) {
                    awaitFill(group, previousGroupSize >= fill.busyFrom() ? System.nanoTime() + fill.linger().toNanos() : previousStart + fill.pace().toNanos());
                }
                previousGroupSize = group.size();
                long started = System.nanoTime();
                previousStart = started;
                lastAttemptNanos = started;
                runGroup(group);
                long nanos = System.nanoTime() - started;
                observer.committed(thread.getName(), nanos);
                long millis = nanos / 1_000_000;
                slowCommits.committed(millis, group.size(), System.nanoTime());
            } catch (InterruptedException e) {
                if (stopping) break;
            } catch (Throwable t) {
                log.error("writer loop failure", t);
                for (Task<?> task : group) task.future.completeExceptionally(new StoreUnavailableException("store write failed", t));
            } finally {
                group.clear();
            }
        }
    }

    /** Adds work arriving until {@code deadline}, until the group reaches its target or work somebody waits for comes. */
    private void awaitFill(List<Task<?>> group, long deadline) throws InterruptedException {
        while (group.size() < fill.target() && !stopping) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            Task<?> next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) return;
            int from = group.size();
            group.add(next);
            queue.drainTo(group, maxGroupSize - group.size());
            if (!nobodyWaits(group.subList(from, group.size()))) return;
        }
    }

    /** Whether every task is mergeable work nobody waits on. */
    private static boolean nobodyWaits(List<Task<?>> tasks) {
        for (Task<?> task : tasks) if (task.batchable == null || task.batchable.awaited()) return false;
        return true;
    }

    /**
     * Why this writer cannot write, while it cannot (empty once a commit succeeds again); {@code fatal}
     * when the database refuses every write until it is reopened (DuckDB invalidates a database after an
     * I/O error such as a full disk).
     */
    public record Problem(String reason, boolean fatal) {
    }

    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }

    private void probeIfFailing() {
        Problem current = problem;
        if (probe == null || current == null || current.fatal() || System.nanoTime() - lastAttemptNanos < PROBE_INTERVAL_NANOS) return;
        lastAttemptNanos = System.nanoTime();
        try {
            Transaction.run(connection, c -> {
                try (java.sql.Statement st = c.createStatement()) {
                    return st.executeUpdate(probe);
                }
            });
            healthy();
        } catch (SQLException | RuntimeException stillFailing) {
            // the problem stands; it was logged when it began
        }
    }

    private void healthy() {
        if (problem != null) {
            log.info("{} writes again", thread.getName());
            problem = null;
        }
    }

    /** Logs a failure once per change of state, not once per request, so a broken disk does not flood the log. */
    private void failing(Exception e) {
        Problem before = problem;
        // A database DuckDB has invalidated stays so until it is reopened, whatever the failures after it say
        // (an appender that cannot be created on it): a later, milder reason must not hide that a restart is needed.
        if (before != null && before.fatal()) return;
        String message = String.valueOf(e.getMessage());
        boolean fatal = message.toLowerCase(java.util.Locale.ROOT).contains("invalidated") || message.contains("FATAL");
        // The reason reaches /health, which answers without a key: file names, not where the data lives.
        String reason = QUOTED_PATH.matcher(message.lines().findFirst().orElse(message)).replaceAll("\"$1\"");
        problem = new Problem(reason, fatal);
        if (before == null || before.fatal() != fatal) log.error("{} cannot write{}: {}", thread.getName(), fatal ? " until the store is reopened" : "", message);
    }

    private void runGroup(List<Task<?>> group) {
        try {
            beforeBegin.run(); // once: what it waited for stays true for the retries below
        } catch (RuntimeException notReady) {
            for (Task<?> task : group) fail(task, notReady);
            return;
        }
        try {
            List<Object> results = runInTransaction(group);
            healthy();
            for (int i = 0; i < group.size(); i++) group.get(i).complete(results.get(i));
        } catch (Exception groupFailure) {
            if (problem != null && problem.fatal()) {
                for (Task<?> task : group) fail(task, groupFailure);
                return;
            }
            if (group.size() == 1 && !isConflict(groupFailure)) {
                fail(group.getFirst(), groupFailure);
                return;
            }
            // One piece of work poisoned the shared transaction, or another writer updated the same row
            // first: run each piece alone, retrying write-write conflicts a few times.
            for (Task<?> task : group) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        task.complete(runInTransaction(List.of(task)).getFirst());
                        healthy();
                        break;
                    } catch (Exception e) {
                        if (attempt < MAX_CONFLICT_RETRIES && isConflict(e)) continue;
                        fail(task, e);
                        break;
                    }
                }
            }
        }
    }

    private static boolean isConflict(Exception e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return e instanceof SQLException && message.contains("conflict");
    }

    /**
     * A failure of the database or the disk says the store cannot write (so /health and every writer's
     * callers are told); a piece of work failing on its own — run alone, the others committed — is that
     * work's error, and only its caller hears of it.
     */
    private void fail(Task<?> task, Exception e) {
        if (e instanceof ApiException || e instanceof StoreUnavailableException || !isStoreFailure(e)) {
            task.future.completeExceptionally(e);
        } else {
            failing(e);
            task.future.completeExceptionally(new StoreUnavailableException("store write failed: " + e.getMessage(), e));
        }
    }

    private static boolean isStoreFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) return true;
        }
        return false;
    }

    /** The number of the transaction open on the writer thread; only meaningful there. */
    long transaction() {
        return transactions;
    }

    private List<Object> runInTransaction(List<Task<?>> group) throws SQLException {
        transactions++;
        List<Runnable> afterCommit = new ArrayList<>();
        Object[] results = Transaction.run(connection, c -> {
            Runnable opened = prologue.run(c);
            if (opened != null) afterCommit.add(opened);
            Object[] out = new Object[group.size()];
            // Plain work runs in submission order and separates segments; within a segment, batchable
            // work of one kind is merged into one call (ingest and outcomes do not depend on each other).
            int segmentStart = 0;
            for (int i = 0; i <= group.size(); i++) {
                if (i < group.size() && (group.get(i).single == null || group.get(i).unordered)) continue;
                runMerged(group, segmentStart, i, out, afterCommit);
                if (i < group.size()) out[i] = group.get(i).single.run(c);
                segmentStart = i + 1;
            }
            for (int i = 0; i < group.size(); i++) {
                if (group.get(i).unordered) out[i] = group.get(i).single.run(c);
            }
            return out;
        });
        for (Runnable hook : afterCommit) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                log.error("after-commit hook failed", e);
            }
        }
        return java.util.Arrays.asList(results);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void runMerged(List<Task<?>> group, int from, int to, Object[] results, List<Runnable> afterCommit) throws SQLException {
        java.util.Map<BatchKind, List<Integer>> byKind = new java.util.LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            if (group.get(i).batchable != null) byKind.computeIfAbsent(group.get(i).batchable.kind(), k -> new ArrayList<>()).add(i);
        }
        for (var entry : byKind.entrySet()) {
            List<Batchable> items = entry.getValue().stream().map(i -> (Batchable) group.get(i).batchable).toList();
            BatchResult<?> batch = entry.getKey().runAll(connection, items);
            for (int k = 0; k < items.size(); k++) results[entry.getValue().get(k)] = batch.results().get(k);
            afterCommit.add(batch.afterCommit());
        }
    }

    /** Stops taking work, finishes everything already queued, and returns once the thread has ended. */
    @Override
    public void close() {
        stopping = true;
        WriteQueue.drainAfter(thread, queue, Task::future);
    }
}
