package dev.eventwire.store.duckdb;

import dev.eventwire.support.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * Writes the journaled ingest groups into the event log file behind their acknowledgement. Every
 * transaction of the ingest writer begins by writing the groups journaled since its last one and moves
 * a cursor in the same transaction, so a transaction that fails leaves them for the next, and a crash
 * leaves the journal to say what the file still lacks. Reads of the event log wait until it holds every
 * group journaled when they began, so an acknowledged event is always found.
 *
 * <p>Nobody's acknowledgement waits for these transactions, so they are paced: groups are written together
 * once {@link #APPLY_INTERVAL} has passed since the last apply, at once when a read waits for them or
 * when {@value #APPLY_AT_ONCE_BYTES} bytes are waiting.
 */
final class EventLogApplier implements AutoCloseable {
    /** How long a read waits for the event log to catch up before it is answered as unavailable. */
    private static final long READ_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Journaled bytes not yet in DuckDB beyond which large requests wait before they are queued: memory, and a bound on a start's replay. */
    private static final long MAX_UNAPPLIED_BYTES = 64L * 1024 * 1024;
    /** A request this small is a single event or a small batch: it may use {@link #SMALL_RESERVE_BYTES} beyond the bound. */
    static final long SMALL_REQUEST_BYTES = 64L * 1024;
    private static final long SMALL_RESERVE_BYTES = 16L * 1024 * 1024;
    /**
     * What the journaling thread itself waits for: large requests are admitted one by one against the
     * bound before they are queued, so several can pass at once; this is the hard ceiling on memory.
     */
    private static final long HARD_UNAPPLIED_BYTES = 2 * MAX_UNAPPLIED_BYTES + SMALL_RESERVE_BYTES;
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long RETRY_WHILE_FAILING_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long journaled groups may wait to be written into the event log together. An apply costs the
     * ingest writer about the same CPU whatever it holds (an appender per table, the commit): at 1,000
     * single-event requests/s, with groups journaled every 2–3 ms and applied as they came, the writer
     * used half a core; applied every 50 ms, a sixth (docs/ingest-journal.md).
     */
    static final Duration APPLY_INTERVAL = Duration.ofMillis(50);
    /** How long {@code /health} reports a refused journal write after the journal takes writes again. */
    static final Duration REFUSAL_SHOWN = Duration.ofMinutes(1);
    private static final long APPLY_INTERVAL_NANOS = APPLY_INTERVAL.toNanos();
    /** Journaled bytes that are applied without waiting for the interval: bulk ingest keeps the event log close behind. */
    private static final long APPLY_AT_ONCE_BYTES = 4L * 1024 * 1024;

    private final GroupCommitWriter writer;
    private final IngestJournal journal;
    private final Path journalDir;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Pending> journaledNotTaken = new ConcurrentLinkedQueue<>();
    /** Groups the open transaction writes; kept when it rolls back, for the next (the writer's thread only). */
    private final List<Pending> taken = new ArrayList<>();
    private final AtomicBoolean applyQueued = new AtomicBoolean();
    private final Object progress = new Object();
    private volatile long journaled;
    private volatile long applied;
    private long unappliedBytes;
    private long nextGroup;
    private volatile LongConsumer eventsApplied = seq -> { };
    private volatile String journalProblem;
    /** The journal's latest refusal of a group, kept after writes succeed again (null for none). */
    private volatile Refusal lastRefusal;
    private long lastProbeNanos;
    private long lastRetryNanos;
    /** When the last apply transaction began (or this applier was made). */
    private volatile long lastApplyNanos = System.nanoTime();

    private record Pending(JournaledGroup group, int bytes) {
    }

    private record Refusal(Instant at, String reason) {
    }

    private EventLogApplier(GroupCommitWriter writer, IngestJournal journal, Path journalDir, long appliedGroup, Clock clock) {
        this.writer = writer;
        this.journal = journal;
        this.journalDir = journalDir;
        this.clock = clock;
        this.journaled = appliedGroup;
        this.applied = appliedGroup;
        this.nextGroup = appliedGroup + 1;
        writer.beginEachTransactionWith(this::writeJournaled);
    }

    /**
     * Opens the journal in {@code journalDir}, writes into the event log (on {@code writer}'s connection,
     * before it starts) the groups a crash left only there, and empties it.
     */
    static EventLogApplier open(Path journalDir, GroupCommitWriter writer, Clock clock) {
        return writer.runNow(c -> {
            long cursor;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT group_seq FROM ingest_journal_cursor")) {
                rs.next();
                cursor = rs.getLong(1);
            }
            List<JournaledGroup> replay = new ArrayList<>();
            IngestJournal journal;
            try {
                journal = IngestJournal.open(journalDir, cursor, replay::add);
            } catch (IOException e) {
                throw new SQLException("cannot read the ingest journal: " + e.getMessage(), e);
            }
            long last = cursor;
            if (!replay.isEmpty()) {
                long started = System.nanoTime();
                Transaction.run(c, tx -> {
                    EventLogRows.write(tx, replay);
                    return null;
                });
                last = replay.getLast().seq();
                StartLog.ended(started, "applied {} groups of events that the ingest journal held beyond the event log", replay.size());
            }
            try {
                journal.clear();
            } catch (IOException e) {
                throw new SQLException("cannot empty the ingest journal: " + e.getMessage(), e);
            }
            return new EventLogApplier(writer, journal, journalDir, last, clock);
        });
    }

    /** Told the highest event log position each apply committed (the delivery writer writes their rows behind). */
    void onEventsApplied(LongConsumer listener) {
        this.eventsApplied = listener;
    }

    /** The number the next group gets (the journaling thread only). */
    long nextGroup() {
        return nextGroup;
    }

    /**
     * Journals {@code group} (numbered {@link #nextGroup()}) and forces it to disk; then queues it for the
     * event log. Called by one thread. Waits while too much is journaled and not yet applied, and refuses
     * while the event log cannot be written, so a full disk stops acknowledgements instead of memory.
     */
    void journal(JournaledGroup group) {
        int bytes = group.events().stream().mapToInt(e -> e.body().length() + 128).sum() + group.points().size() * 64
                + group.rejected().stream().mapToInt(r -> r.body().length() + 128).sum();
        awaitRoom(bytes, HARD_UNAPPLIED_BYTES, false);
        try {
            journal.append(group, applied);
            journalProblem = null;
        } catch (IOException e) {
            journalProblem = "cannot write the ingest journal: " + reason(e);
            lastRefusal = new Refusal(clock.instant(), journalProblem);
            lastProbeNanos = System.nanoTime(); // the first probe a few seconds from now, not at once
            throw new StoreUnavailableException(journalProblem, e);
        }
        nextGroup = group.seq() + 1;
        boolean many;
        synchronized (progress) {
            unappliedBytes += bytes;
            many = unappliedBytes >= APPLY_AT_ONCE_BYTES;
        }
        journaledNotTaken.add(new Pending(group, bytes));
        journaled = group.seq();
        if (many || intervalPassed()) queueApply();
    }

    private boolean intervalPassed() {
        return System.nanoTime() - lastApplyNanos >= APPLY_INTERVAL_NANOS;
    }

    /** What went wrong, naming a file but not the folder it is in: the reason reaches {@code /health}, which answers without a key. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String file = f.getFile() == null ? "" : " (" + Path.of(f.getFile()).getFileName() + ")";
            return (f.getReason() == null ? "the file system refused" : f.getReason()) + file;
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Called by a request before it is queued for journaling, with about what it will add: a large one waits
     * while the event log is behind by the bound; a small one only beyond a reserve past it. The wait was in
     * the journaling thread, for a whole group: while one tenant's 5 MB batches kept the event log behind,
     * every other tenant's single events waited in the same group, seconds at a time (seen from outside,
     * 2026-12-02: p50 2.2 s). Returns what to run once the request is answered: until then its bytes count
     * as admitted, so requests arriving together cannot all pass the bound at once.
     */
    Runnable admit(long bytes) {
        long ceiling = bytes <= SMALL_REQUEST_BYTES ? MAX_UNAPPLIED_BYTES + SMALL_RESERVE_BYTES : MAX_UNAPPLIED_BYTES;
        synchronized (progress) {
            awaitRoom(bytes, ceiling, true);
            admittedBytes += bytes;
        }
        return () -> {
            synchronized (progress) {
                admittedBytes -= bytes;
                progress.notifyAll();
            }
        };
    }

    /** Requests admitted and not yet answered: counted against the bound until their group is journaled (guarded by {@link #progress}). */
    private long admittedBytes;

    /** {@code withAdmitted}: counting requests admitted and not yet journaled (a request's check), or not (the journaling thread's). */
    private void awaitRoom(long bytes, long ceiling, boolean withAdmitted) {
        synchronized (progress) {
            while (true) {
                long behind = unappliedBytes + (withAdmitted ? admittedBytes : 0);
                if (behind == 0 || behind + bytes <= ceiling) break;
                if (applying().isPresent()) throw new StoreUnavailableException("the event log cannot be written: " + applying().get(), null);
                try {
                    progress.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted", e);
                }
            }
        }
        if (applied < journaled && applying().isPresent()) {
            throw new StoreUnavailableException("the event log cannot be written: " + applying().get(), null);
        }
    }

    /** Why the ingest writer fails, while it does. */
    private Optional<String> applying() {
        return writer.problem().map(GroupCommitWriter.Problem::reason);
    }

    /** Why the journal cannot be written, while it cannot. */
    Optional<String> problem() {
        return Optional.ofNullable(journalProblem);
    }

    /**
     * Why the journal refused a group within the last {@link #REFUSAL_SHOWN}, whether or not it takes writes
     * now. A nearly full disk takes small groups and refuses large ones: {@link #problem()} then comes and
     * goes with each, and a health check between two of them saw nothing wrong.
     */
    Optional<String> recentRefusal() {
        Refusal last = lastRefusal;
        if (last == null || Duration.between(last.at(), clock.instant()).compareTo(REFUSAL_SHOWN) >= 0) return Optional.empty();
        return Optional.of(last.reason());
    }

    /** Asks the ingest writer for a transaction, unless one is already asked for and has not begun. */
    private void queueApply() {
        if (!applyQueued.compareAndSet(false, true)) return;
        writer.submitUnordered(c -> null).whenComplete((ok, failure) -> {
            if (failure != null) applyQueued.set(false); // tried again by housekeeping
        });
    }

    /**
     * Called by the journaling thread before each group and at least every {@link #APPLY_INTERVAL} when
     * idle: asks for a transaction once groups have waited the interval, or, while the writer fails (a
     * full disk), once a second; and while the journal cannot be written, checks every few seconds
     * whether it can.
     */
    void housekeeping() {
        boolean failing = writer.problem().isPresent();
        if (applied < journaled && !applyQueued.get()) {
            if (!failing && intervalPassed()) {
                queueApply();
            } else if (failing && System.nanoTime() - lastRetryNanos > RETRY_WHILE_FAILING_NANOS) {
                lastRetryNanos = System.nanoTime();
                queueApply();
            }
        }
        if (journalProblem != null && System.nanoTime() - lastProbeNanos > PROBE_INTERVAL_NANOS) {
            lastProbeNanos = System.nanoTime();
            try {
                Path probe = java.nio.file.Files.createTempFile(journalDir, "probe", ".tmp");
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(probe, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.allocate(4096));
                    ch.force(false);
                } finally {
                    java.nio.file.Files.deleteIfExists(probe);
                }
                journalProblem = null;
            } catch (IOException stillFailing) {
                // the problem stands
            }
        }
    }

    /** The prologue of every ingest writer transaction: writes the groups journaled since the last one. */
    private Runnable writeJournaled(Connection c) throws SQLException {
        applyQueued.set(false);
        lastApplyNanos = System.nanoTime();
        for (Pending p; (p = journaledNotTaken.poll()) != null; ) taken.add(p);
        if (taken.isEmpty()) return null;
        List<JournaledGroup> groups = taken.stream().map(Pending::group).toList();
        EventLogRows.write(c, groups);
        long upTo = groups.getLast().seq();
        long lastEvent = groups.stream().mapToLong(JournaledGroup::lastEventSeq).max().orElse(0);
        long bytes = taken.stream().mapToLong(Pending::bytes).sum();
        return () -> {
            taken.clear();
            // The delivery writer learns of the events before anyone waiting for them is woken: it writes their rows.
            if (lastEvent > 0) eventsApplied.accept(lastEvent);
            synchronized (progress) {
                unappliedBytes -= bytes;
                applied = upTo;
                progress.notifyAll();
            }
        };
    }

    /**
     * Waits until the event log holds every group journaled so far: what a read must see. Asks for the
     * transaction that writes them at once rather than after the interval. A no-op on the ingest writer's
     * own thread, whose transactions write them.
     */
    void awaitApplied() {
        long target = journaled;
        if (applied >= target || writer.isWriterThread()) return;
        if (writer.problem().isEmpty()) queueApply(); // while it fails, the journaling thread retries once a second
        long deadline = System.nanoTime() + READ_WAIT_NANOS;
        synchronized (progress) {
            while (applied < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    String why = applying().map(p -> ": " + p).orElse("");
                    throw new StoreUnavailableException("the event log is behind its journal" + why, null);
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted", e);
                }
            }
        }
    }

    /**
     * Writes what is journaled into the event log (the journaling thread has stopped) and, when it all
     * is, empties the journal; what a failure leaves is replayed at the next start.
     */
    @Override
    public void close() {
        try {
            if (applied < journaled) {
                applyQueued.set(false);
                queueApply();
                awaitApplied();
            }
            if (applied >= journaled) journal.clear();
        } catch (RuntimeException | IOException e) {
            org.slf4j.LoggerFactory.getLogger(EventLogApplier.class)
                    .warn("the ingest journal is kept for the next start: {}", e.getMessage());
        } finally {
            try {
                journal.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }
}
