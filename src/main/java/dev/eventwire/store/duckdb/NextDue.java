package dev.eventwire.store.duckdb;

/**
 * When the delivery queue may next hold work a claim could take, as far as this process's own writes
 * tell; the DuckDB store has one owner, so no write escapes it. The poller asks before each claim: a claim
 * is a delivery writer transaction, which first waits for the event log to catch up, and at a steady load
 * nearly every one found nothing (fresh deliveries go to their lanes in memory) while making up half of
 * that writer's transactions.
 *
 * <p>Changes made inside a transaction are drafted and published when it commits: a transaction that
 * rolls back leaves the last published answer, which holds for the state it rolled back to. Times are
 * microseconds since the epoch, as the queue stores them; a claim that finds everything due takes a
 * fresh, exact answer from the queue itself ({@link #exactly}).
 *
 * <p>The draft is the delivery writer thread's own ({@link #begin}, {@link #dueAt}, {@link #dueNow},
 * {@link #exactly}, {@link #publish}); {@link #leftInStore} is called by the ingest writer's thread;
 * {@link #mayBeDue} by any.
 */
final class NextDue {
    private static final long NOW = Long.MIN_VALUE;

    private volatile long published = NOW;
    private long draft = NOW;
    /** The highest event log position with a delivery left unleased in the store rather than taken in memory. */
    private volatile long leftInStoreUpTo;

    /** A transaction begins from what is published. */
    void begin() {
        draft = published;
    }

    /** Something in the queue becomes claimable at {@code micros} (a retry's time, a lease's end). */
    void dueAt(long micros) {
        if (micros < draft) draft = micros;
    }

    /** Something in the queue is claimable now. */
    void dueNow() {
        draft = NOW;
    }

    /** What the queue holds, read in this transaction, becomes claimable first at {@code micros} ({@link Long#MAX_VALUE}: never). */
    void exactly(long micros) {
        draft = micros;
    }

    /** The transaction committed. */
    void publish() {
        published = draft;
    }

    /**
     * The event at log position {@code eventSeq} has a delivery the engine did not take in memory; its row
     * is written by a later delivery writer transaction, so until the rows are written up to it, a claim
     * must look.
     */
    void leftInStore(long eventSeq) {
        if (eventSeq > leftInStoreUpTo) leftInStoreUpTo = eventSeq;
    }

    /** Whether a claim at {@code nowMicros} might take anything, with rows of events up to {@code rowsWrittenUpTo} committed. */
    boolean mayBeDue(long nowMicros, long rowsWrittenUpTo) {
        return published <= nowMicros || leftInStoreUpTo > rowsWrittenUpTo;
    }
}
