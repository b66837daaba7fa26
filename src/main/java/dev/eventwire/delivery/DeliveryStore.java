package dev.eventwire.delivery;

import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;

/** Port: delivery state, the attempt log, and the claims that keep two workers off one delivery. */
public interface DeliveryStore extends UnreportedEffects {

    /**
     * Claims pending deliveries due by {@code now} whose lease has lapsed, setting their lease to
     * {@code leaseUntil}: per webhook at most {@code roomFor(webhookId)} (0 = none), oldest due first, so
     * one backlog cannot crowd out the others; at most {@code limit} in all, webhooks with the oldest due
     * work first. Its cost depends on the pending deliveries only, never on finished ones.
     */
    Claim claimDue(Instant now, Instant leaseUntil, int limit, ToIntFunction<String> roomFor);

    /** Who is told of the effects of recorded outcomes (dead deliveries, webhooks disabled or recovered); set once at start. */
    void listen(DeliveryEffects effects);

    /**
     * Writes an attempt's outcome; completes once durable, with whether it applied: false for an outcome the
     * store already had, or whose lease another replica had taken over meanwhile (it sends the delivery
     * itself). {@code afterCommit} runs right after the commit.
     */
    CompletableFuture<Boolean> record(AttemptRecord record, Runnable afterCommit);

    /**
     * As {@link #record(AttemptRecord, Runnable)}; {@code awaited}: something waits for this commit (the
     * next delivery of an entity-ordered webhook's entity becomes claimable with it), so a store that holds
     * outcomes back to write many in one transaction writes this one at once.
     */
    default CompletableFuture<Boolean> record(AttemptRecord record, Runnable afterCommit, boolean awaited) {
        return record(record, afterCommit);
    }

    /**
     * A claimed delivery whose webhook this process does not know as active: dead with last_error "webhook
     * removed" when the webhook is gone; otherwise (a replica that has not loaded it yet) released to be
     * claimed again shortly — only while {@code job}'s lease is still the delivery's.
     */
    CompletableFuture<Void> parkRemoved(DeliveryJob job, Instant now);

    /** Appends attempt-log rows that belong to no delivery (test sends). */
    void appendLog(List<AttemptRecord> records);

    /**
     * Gives up the leases of claimed deliveries this process will not attempt now (a full lane, shutdown);
     * set-based. A lease that is no longer the job's (it lapsed and another owner took it) stays as it is.
     */
    CompletableFuture<Void> releaseLeases(Collection<DeliveryJob> jobs);

    /**
     * Extends the leases of deliveries this process still holds to {@code until}; one no longer held under
     * the job's lease stays as it is. Completes with the sequence numbers of the deliveries whose lease now
     * runs to {@code until}.
     */
    CompletableFuture<java.util.Set<Long>> renewLeases(Collection<DeliveryJob> jobs, Instant until);

    /**
     * Whether a lease this process holds can lapse while it still holds the delivery in memory, and the
     * delivery then be taken by another: true for a store shared by replicas (a replica paused or cut off
     * from the database past its lease). A single-owner store releases leases only at its own start.
     */
    default boolean leasesCanBeTakenOver() {
        return false;
    }

    /**
     * Whether an outcome could be recorded now, as far as the store knows without asking (a shared
     * database that did not answer its last probe: false). A delivery sent while it cannot would be sent
     * again once its lease lapses, by whichever replica claims it then.
     */
    default boolean recordingPossible() {
        return true;
    }

    /**
     * At start, the leases this process left behind when it last stopped are given up: a single-owner
     * store releases every lease (nobody else can hold one); a store shared by replicas releases only
     * those taken under this replica's id, and leaves the others to lapse.
     */
    void releaseOwnLeasesAtStart();

    Page<Delivery> list(String tenant, String webhookId, DeliveryFilter filter, PageRequest page);

    Optional<Delivery> find(String tenant, String webhookId, String eventId);

    List<AttemptLogEntry> attempts(String tenant, String webhookId, String eventId);

    /** The webhook's attempts, newest first, a page at a time. */
    dev.eventwire.support.Page<AttemptLogEntry> logs(String tenant, String webhookId, dev.eventwire.support.PageRequest page);

    /** Makes one dead delivery due now with a fresh budget; false when there is no such dead delivery. */
    boolean retry(String tenant, String webhookId, String eventId, Instant now);

    /**
     * Creates, due at {@code now} and unleased, a delivery to the webhook for each given event that has
     * none yet (pending or finished); returns how many it created.
     */
    int queueMissing(String webhookId, List<ReplayDelivery> deliveries, Instant now);

    /** Makes every dead delivery of the webhook updated since {@code since} due now; returns how many. */
    int recover(String tenant, String webhookId, Instant since, Instant now);

}
