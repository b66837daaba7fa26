package dev.eventwire.store.duckdb;

/**
 * What the ingest writer needs of the delivery file: numbers for the deliveries it records in the event
 * log, and telling it how far the log is committed, so the delivery writer writes their rows behind it.
 */
interface DeliveryQueue {
    /** Reserves {@code deliveries} consecutive delivery numbers; returns the first. */
    long allocate(int deliveries);

    /** Events up to log position {@code eventSeq} are committed; called before anyone learns of them. */
    void logged(long eventSeq);

    /**
     * The event at log position {@code eventSeq}, not yet committed, has a delivery the engine does not take
     * in memory: it waits in the store to be claimed. Called before the engine is told of it.
     */
    void leftInStore(long eventSeq);
}
