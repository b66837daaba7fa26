package dev.eventwire.delivery;

import dev.eventwire.events.IngestListener;
import dev.eventwire.events.InlineAdmission;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends deliveries. Fresh deliveries are handed over in memory right after their ingest commit when their
 * webhook's lane has room and no older work of that webhook waits in the store; everything else (bursts
 * beyond a lane, retries, manual retries, work left by a crash) stays unleased in the store and is claimed
 * by the poller as soon as the lane drains below half. Nothing waits for a lease to lapse unless its owner
 * crashed. The store stays the source of truth: a delivery leaves it only through a recorded outcome.
 *
 * <p>Each webhook has its own lane (a bounded queue, a cap on requests in flight, its own connection pool),
 * so a slow or dead endpoint uses up only its own slots even when it shares a host with others. Claims take
 * at most a lane's room per webhook, oldest due first, webhooks with the oldest due work first. Outcomes are
 * written through the group-commit writer, many per transaction; under pressure they wait and are written
 * later, never dropped.
 */
public final class DeliveryEngine implements IngestListener, InlineAdmission, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    private static final Duration MAX_RECORD_BACKOFF = Duration.ofSeconds(1);
    /** A lane paced by a rate limit looks at its rate again at least this often. */
    private static final long MAX_PACING_WAIT_NANOS = 1_000_000_000L;
    /**
     * With several replicas a lane holds about this many seconds of its own sending (and at least
     * {@link #REPLICA_LANE_FLOOR}): what a replica holds is what the others wait a lease for if it dies, and
     * what they cannot take while it lives.
     */
    private static final double REPLICA_LANE_SECONDS = 1.0;
    /**
     * While the lanes are over a memory budget, a lane holding less than this fraction of it is still
     * given work (1 MiB of the 64 MiB claim budget): what one tenant's stuck lanes hold cannot stop another's.
     */
    private static final int SMALL_LANE_SHARE = 64;
    /** The least a lane holds with several replicas, so a lane whose rate is not known yet still gets work in batches. */
    private static final int REPLICA_LANE_FLOOR = 256;

    private final DeliveryStore store;
    private final WebhookRegistry registry;
    private final HttpSender sender;
    private final RequestFactory requests;
    private final OutcomePolicy outcomes;
    private final Clock clock;
    private final EngineSettings settings;
    private final DeliveryObserver observer;
    private final TakeoverLog takenOver;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /**
     * Every delivery this process holds, queued in a lane or in flight, with when its lease ends as far as
     * this process knows (set when it is taken, moved on by each renewal the store confirms); bounded by
     * the lanes' capacity.
     */
    private final Map<DeliveryKey, Held> inMemory = new ConcurrentHashMap<>();
    private Instant nextRenewal = Instant.MIN;
    /** Deliveries dropped unsent because their lease ended here; the poller gives back any lease still theirs. */
    private final java.util.concurrent.ConcurrentLinkedQueue<DeliveryJob> lostLeases = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Body characters of the deliveries waiting in lanes (not yet sent). */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Requests in flight in the whole process, so a thousand webhooks cannot open a thousand times 32 connections. */
    private final Semaphore inFlightEverywhere;
    /**
     * Each tenant's requests in flight across its webhooks, capped at a quarter of the process's slots (at
     * least one webhook's cap), so a tenant whose webhooks hang cannot hold the slots other tenants' deliveries need.
     */
    private final Map<String, TenantSlots<Lane>> tenants = new ConcurrentHashMap<>();
    /** This process's share of each webhook's in-flight cap: the whole cap, or a part of it when replicas share the work. */
    private volatile int perWebhookShare;
    /** Replicas sharing each webhook's caps and rate limit (1 = this process alone). */
    private volatile int sharingReplicas = 1;
    /** Whether recording outcomes is failing now (logged when it starts and when it ends). */
    private final java.util.concurrent.atomic.AtomicBoolean recordingBehind = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether the last poll failed; the poller thread's own. */
    private boolean pollFailing;
    /** Lanes with work that found every process-wide slot busy, in the order they asked. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Lane> waitingLanes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** How many lanes {@link #waitingLanes} holds: its own size() walks the whole queue, and a slot frees thousands of times a second. */
    private final java.util.concurrent.atomic.AtomicInteger waitingCount = new java.util.concurrent.atomic.AtomicInteger();
    /** Outcomes that could not be recorded because the engine was stopping. */
    private final java.util.concurrent.atomic.AtomicInteger unrecordedAtStop = new java.util.concurrent.atomic.AtomicInteger();
    /** Attempts the stop cut off (in flight past its grace): not recorded, their leases given back. */
    private final java.util.Queue<DeliveryJob> cutOffByStop = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ThreadLocal<Boolean> kicking = ThreadLocal.withInitial(() -> false);
    /**
     * Attempts and their completions run on platform threads of their own, not on virtual threads: virtual
     * threads share a carrier pool as large as the cores with the HTTP server's request handlers, and at
     * thousands of attempts a second every API request waited in line behind them (another tenant's ingest
     * p50 went from milliseconds to 60 ms during one tenant's fan-out). Platform threads are scheduled by
     * the kernel, which shares the CPU fairly and at once. Nothing run here waits for long: the one slow
     * step of an attempt, a DNS answer, is awaited by the sender on a virtual thread.
     */
    private final ExecutorService callbacks = deliveryThreads();
    private final Semaphore wake = new Semaphore(0);
    private final Thread poller;
    private volatile boolean running;

    public DeliveryEngine(DeliveryStore store, WebhookRegistry registry, HttpSender sender, RequestFactory requests,
                          OutcomePolicy outcomes, Clock clock, EngineSettings settings) {
        this(store, registry, sender, requests, outcomes, clock, settings, DeliveryObserver.NONE);
    }

    public DeliveryEngine(DeliveryStore store, WebhookRegistry registry, HttpSender sender, RequestFactory requests,
                          OutcomePolicy outcomes, Clock clock, EngineSettings settings, DeliveryObserver observer) {
        this.store = store;
        this.observer = observer;
        this.registry = registry;
        this.sender = sender;
        this.requests = requests;
        this.outcomes = outcomes;
        this.clock = clock;
        this.takenOver = new TakeoverLog(clock);
        this.settings = settings;
        this.inFlightEverywhere = new Semaphore(settings.totalInFlight());
        this.perWebhookShare = settings.perEndpointInFlight();
        this.poller = Thread.ofPlatform().name("eventwire-delivery-poller").daemon(true).unstarted(this::pollLoop);
    }

    private static ExecutorService deliveryThreads() {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        // Below normal priority: when the cores are saturated, API requests run first and attempts wait
        // (the launcher lets the JVM map Java priorities to the operating system's; see docs/delivery-engine.md).
        return Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("eventwire-delivery-", 0).daemon(true).priority(Thread.MIN_PRIORITY).factory());
    }

    /**
     * Makes the deliveries this replica's id holds leased (its predecessor's, stopped by a crash) due again at
     * once, rather than after their leases lapse. Only when no other live process uses the id: its leases
     * are its own, and it is still sending them.
     */
    public void releaseOwnLeases() {
        store.releaseOwnLeasesAtStart();
    }

    public void start() {
        running = true;
        poller.start();
    }

    public boolean isRunning() {
        return running && poller.isAlive();
    }

    /** A snapshot for monitoring; cheap (no locks), so it may be read on every scrape. */
    public EngineLoad load() {
        return new EngineLoad(lanes.size(), inFlight(), inMemory.size());
    }

    /**
     * Several replicas deliver from one store: each takes an equal share of every webhook's in-flight cap
     * (at least one) and rate limit, so both hold for the cluster as a whole. Called as the set of live replicas changes.
     */
    public void shareCapsAmong(int replicas) {
        sharingReplicas = Math.max(1, replicas);
        perWebhookShare = Math.max(1, settings.perEndpointInFlight() / sharingReplicas);
    }

    private int tenantCap() {
        return Math.max(settings.perEndpointInFlight(), settings.totalInFlight() / 4);
    }

    /** Attempts in flight in this process now. */
    public int inFlight() {
        return settings.totalInFlight() - inFlightEverywhere.availablePermits();
    }

    /** Asks the poller to look for due work now (after a manual retry or recover, or when a lane made room). */
    public void wakeUp() {
        wake.release();
    }

    @Override
    public boolean admitsInline(String webhookId) {
        if (!running) return false;
        Lane lane = lanes.get(webhookId);
        if (queuedBytes.get() >= settings.inlineBudgetBytes() && lane != null && !lane.holdsLittle(settings.inlineBudgetBytes())) return false;
        return lane == null || lane.admitsFresh();
    }

    @Override
    public void committed(List<NewEvent> accepted, List<RejectedEvent> rejected, List<QueuedDelivery> deliveries) {
        if (deliveries.isEmpty()) return;
        // The ingest commit set the lease a moment ago; counted from now it ends a little later than it does.
        Instant leaseUntil = clock.instant().plus(settings.lease());
        Map<String, NewEvent> events = new HashMap<>();
        for (NewEvent e : accepted) events.put(e.tenant() + '\u0000' + e.eventId(), e);
        List<DeliveryJob> overflow = new ArrayList<>();
        boolean leftInStore = false;
        for (QueuedDelivery d : deliveries) {
            if (!d.inline()) {
                lane(d.webhookId()).markBacklogged();
                leftInStore = true;
                continue;
            }
            NewEvent e = events.get(d.tenant() + '\u0000' + d.eventId());
            DeliveryJob job = new DeliveryJob(d.tenant(), d.webhookId(), d.eventId(), d.messageId(), e.eventType(), 1, 1, Trigger.INLINE, e.body(), d.seq(), d.lease());
            if (!running || !dispatch(job, leaseUntil)) {
                lane(d.webhookId()).markBacklogged();
                overflow.add(job);
            }
        }
        // The lane filled up between the admission check and now: give the lease back at once so the
        // poller can claim the delivery as soon as there is room (this runs on the ingest writer thread,
        // so it must not wait for the delivery writer).
        if (!overflow.isEmpty()) store.releaseLeases(overflow).whenComplete((ok, failure) -> wakeUp());
        else if (leftInStore) wakeUp();
    }

    private Lane lane(String webhookId) {
        return lanes.computeIfAbsent(webhookId, Lane::new);
    }

    /** Puts a job, leased until {@code leaseUntil}, in its lane; false when the lane is full (the caller gives its lease back). */
    private boolean dispatch(DeliveryJob job, Instant leaseUntil) {
        Held fresh = new Held(job, leaseUntil, false);
        boolean[] alreadyHere = {false};
        inMemory.compute(job.key(), (key, held) -> {
            // An attempt whose outcome is being recorded: the store gives the delivery out again only once that
            // outcome is committed (it cleared the lease), so this is its next attempt, due before the recording
            // finished (a retry due at once, a short schedule). Taken as already here, it was dropped from memory
            // when the recording finished, neither queued nor sent, and waited for its lease to lapse.
            if (held == null || held.recording()) return fresh;
            // Already queued or in flight here. Claimed again under a new lease (this process's own lease had
            // lapsed, a replica back from a pause): the new token is the one its outcome must carry.
            alreadyHere[0] = true;
            return held.job().lease() != job.lease() ? fresh : held;
        });
        if (alreadyHere[0]) return true;
        if (lane(job.webhookId()).offer(job)) return true;
        inMemory.remove(job.key(), fresh);
        return false;
    }

    /** One webhook's queue, in-flight count, and whether older work of it waits in the store. */
    private final class Lane {
        private final String webhookId;
        /**
         * Oldest first (by sequence number, the order deliveries were created in), not first come: work a
         * claim brings that is older than what the lane already holds goes ahead of it — with replicas, a
         * dead replica's deliveries, taken over when its leases lapse, would otherwise wait behind the
         * younger work each survivor's lane was already full of.
         */
        private final PriorityQueue<DeliveryJob> queue = new PriorityQueue<>(Comparator.comparingLong(DeliveryJob::seq));
        /** Changed under this lane's lock; read without it by the tenant's slots, as a hint. */
        private volatile int inFlight;
        /** Older work of this webhook waits in the store: fresh deliveries go there too, to keep oldest-first order. */
        private volatile boolean backlogged;
        /** In {@link #waitingLanes} (guarded by this lane's lock). */
        private boolean waitingForSlot;
        /** Counts markBacklogged calls, so a claim that started before one cannot clear the flag it set. */
        private final AtomicLong backlogMarks = new AtomicLong();
        /** Spaces attempts when the webhook has a rate limit (guarded by this lane's lock). */
        private final RatePacer pacer = new RatePacer();
        /** A pump is scheduled for when the rate limit lets the next attempt go (guarded by this lane's lock). */
        private boolean pumpScheduled;
        /** Attempts started per second (guarded by this lane's lock). */
        private final SendRate sendRate = new SendRate(System.nanoTime());
        /** The lane asked the poller for its next batch and has not been offered work since (guarded by this lane's lock). */
        private boolean refillAsked;
        /** Requests the receiver's recent answers earn (guarded by this lane's lock). */
        private final SendAllowance allowance = new SendAllowance(settings.perEndpointInFlight(), settings.deliveryTimeout());
        /** The webhook's tenant's slots, known from the first delivery the lane sends (guarded by this lane's lock). */
        private TenantSlots<Lane> tenantSlots;
        /** Body characters of the deliveries waiting in this lane (guarded by this lane's lock). */
        private long bytes;

        Lane(String webhookId) {
            this.webhookId = webhookId;
        }

        int inFlightHint() {
            return inFlight;
        }

        void markBacklogged() {
            backlogMarks.incrementAndGet();
            backlogged = true;
        }

        void clearBacklogIfUnchanged(long marksBefore) {
            if (backlogMarks.get() == marksBefore) backlogged = false;
        }

        synchronized boolean admitsFresh() {
            return !backlogged && queue.size() < capacity();
        }

        /**
         * Whether the lane holds little enough of the engine's memory to be given more while the bodies in
         * all lanes are over a budget: slow receivers of one tenant can fill the budget, and the lanes that
         * hold little (another tenant's) must still get their work.
         */
        synchronized boolean holdsLittle(long budget) {
            return bytes < budget / SMALL_LANE_SHARE;
        }

        /** Room a claim may fill; zero until the lane has drained to half, so claims come in large batches. */
        synchronized int room() {
            int capacity = capacity();
            int room = capacity - queue.size();
            return room >= capacity / 2 ? room : 0;
        }

        /**
         * What the lane holds at most (called with this lane's lock held): the lane capacity; with several
         * replicas about a second of what this lane sends (at least {@link #REPLICA_LANE_FLOOR}), so a
         * replica that dies strands no more than the others send in a second once its leases lapse, and a
         * backlog stays in the store where every replica can claim it; and for a rate-limited webhook only
         * what it can send within half a lease, so nothing waits here until its lease lapses and another
         * replica takes it.
         */
        private int capacity() {
            int full = Math.max(2, settings.laneCapacity());
            if (sharingReplicas > 1) {
                long second = (long) Math.ceil(sendRate.perSecond(System.nanoTime()) * REPLICA_LANE_SECONDS);
                full = (int) Math.min(full, Math.max(REPLICA_LANE_FLOOR, second));
            }
            double rate = rateShare();
            if (rate <= 0) return full;
            long sendable = (long) (rate * settings.lease().toSeconds() / 2);
            return (int) Math.max(2, Math.min(full, sendable));
        }

        boolean offer(DeliveryJob job) {
            synchronized (this) {
                if (queue.size() >= capacity()) return false;
                queue.add(job);
                bytes += job.body().length();
                refillAsked = false;
            }
            queuedBytes.addAndGet(job.body().length());
            pump();
            return true;
        }

        synchronized List<DeliveryJob> drain() {
            List<DeliveryJob> left = new ArrayList<>(queue);
            queue.clear();
            bytes = 0;
            for (DeliveryJob j : left) queuedBytes.addAndGet(-j.body().length());
            return left;
        }

        void pump() {
            while (true) {
                DeliveryJob next;
                boolean refill;
                boolean queuedForSlot = false;
                synchronized (this) {
                    if (inFlight >= Math.min(perWebhookShare, allowance.allowed()) || queue.isEmpty()) return;
                    double rate = rateShare();
                    long now = System.nanoTime();
                    if (rate > 0) {
                        long wait = pacer.waitNanos(rate, now);
                        if (wait > 0) {
                            // Looked at again within a second at most: a rate limit raised or removed meanwhile
                            // applies then, not when the old spacing would have ended.
                            schedulePump(Math.min(wait, MAX_PACING_WAIT_NANOS));
                            return;
                        }
                    }
                    if (tenantSlots == null) {
                        tenantSlots = tenants.computeIfAbsent(queue.peek().tenant(), t -> new TenantSlots<>(tenantCap(), lane -> {
                            if (running) lane.pump();
                        }, Lane::inFlightHint));
                    }
                    // The fewer slots a tenant holds, the more of the process's it may draw on: holding h, it takes
                    // another only while more than h/2 are free. Tenants holding many (slow receivers, however many
                    // tenants) thus always leave some for those holding few: with N tenants filling the process
                    // with slow requests, about 512 / (2N + 1) stay free for the others.
                    boolean leavesRoom = inFlightEverywhere.availablePermits() > tenantSlots.inFlight() / 2;
                    // Every slot the tenant may hold is busy: the next one it frees wakes this lane.
                    if (leavesRoom && !tenantSlots.tryTake(this)) return;
                    if (!leavesRoom || !inFlightEverywhere.tryAcquire()) {
                        if (leavesRoom) tenantSlots.giveBack();
                        // Every slot of the process is busy (or none this tenant may take): wait in line; the next
                        // finished attempt pumps the lane at the head, so lanes take turns.
                        if (!waitingForSlot) {
                            waitingForSlot = true;
                            waitingCount.incrementAndGet();
                            waitingLanes.add(this);
                            queuedForSlot = true;
                        }
                        next = null;
                        refill = false;
                    } else {
                        next = queue.poll();
                        bytes -= next.body().length();
                        inFlight++;
                        if (rate > 0) pacer.sent(rate, now);
                        sendRate.sent(now);
                        // Drained to half with more waiting in the store: ask for the next batch, once until work comes.
                        refill = backlogged && !refillAsked && queue.size() <= capacity() / 2;
                        if (refill) refillAsked = true;
                    }
                }
                if (next == null) {
                    // Every slot may have been freed between the failed try and joining the line: look again,
                    // outside this lane's lock, so no lane waits for a wake-up that already happened.
                    if (queuedForSlot) kickWaitingLanes();
                    return;
                }
                queuedBytes.addAndGet(-next.body().length());
                if (refill) wakeUp();
                // Off the caller's thread: callers include the writer thread, and an attempt starts with DNS.
                callbacks.execute(() -> attempt(this, next));
            }
        }

        /** This process's share of the webhook's rate limit (deliveries per second), or 0 for none. */
        private double rateShare() {
            Optional<Double> limit = registry.active(webhookId).flatMap(Webhook::rateLimit);
            return limit.map(l -> l / sharingReplicas).orElse(0.0);
        }

        /** Called with this lane's lock held. */
        private void schedulePump(long waitNanos) {
            if (pumpScheduled || !running) return;
            pumpScheduled = true;
            CompletableFuture.delayedExecutor(waitNanos, TimeUnit.NANOSECONDS, callbacks).execute(() -> {
                synchronized (this) {
                    pumpScheduled = false;
                }
                if (running) pump();
            });
        }

        /** An attempt ended ({@code result}: what the receiver did; null when none was sent) and gives its slots back. */
        void slotFreed(AttemptResult result) {
            boolean idle;
            TenantSlots<Lane> tenant;
            synchronized (this) {
                inFlight--;
                idle = inFlight == 0 && queue.isEmpty();
                tenant = tenantSlots;
                if (result != null) {
                    int before = allowance.allowed();
                    allowance.record(result);
                    if (before > 1 && allowance.allowed() == 1 && result instanceof AttemptResult.Failed failed) {
                        log.info("webhook {} gives no answer ({} after {} ms); sending it one request at a time until it answers",
                                webhookId, failed.error(), failed.durationMillis());
                    } else if (before == 1 && allowance.allowed() > 1) {
                        log.info("webhook {} answers again; its requests in flight grow back to its cap", webhookId);
                    }
                }
            }
            inFlightEverywhere.release();
            // The process-wide line first: a freed slot goes to the lane that waited longest for one, not back
            // to this tenant's lanes (four tenants of slow receivers once passed their slots among themselves
            // while another tenant's lane waited in that line for 41 s).
            if (running) kickWaitingLanes();
            tenant.release();
            // A removed webhook's idle lane goes, so lanes stay bounded by the webhooks that exist.
            if (idle && !backlogged && registry.active(webhookId).isEmpty()) lanes.remove(webhookId, this);
            if (!running) return;
            pump();
        }
    }

    /**
     * Pumps lanes waiting for a process-wide slot while slots are free (each lane at most once per call;
     * a pump that finds no slot after all only joins the line again, it does not kick in turn).
     */
    private void kickWaitingLanes() {
        if (kicking.get()) return;
        kicking.set(true);
        try {
            for (int turns = waitingCount.get() + 1; turns > 0 && inFlightEverywhere.availablePermits() > 0; turns--) {
                Lane waiting = waitingLanes.poll();
                if (waiting == null) return;
                waitingCount.decrementAndGet();
                synchronized (waiting) {
                    waiting.waitingForSlot = false;
                }
                waiting.pump();
            }
        } finally {
            kicking.set(false);
        }
    }

    private void attempt(Lane lane, DeliveryJob queued) {
        Held held = inMemory.get(queued.key());
        boolean cannotRecord = cannotRecord();
        if (cannotRecord || leaseEnding(held)) {
            // Sent now, it would go out a second time: another replica has taken it, or may any moment.
            lane.slotFreed(null);
            if (held == null || inMemory.remove(queued.key(), held)) {
                // A renewal may have extended the lease in the store while it ended here: give it back, so
                // whoever claims next (this process included) need not wait for it to lapse again.
                if (held != null) lostLeases.add(held.job());
                observer.leaseLost();
                if (!cannotRecord) takenOver.notSent(queued.messageId());
                wakeUp();
            } else {
                // This process claimed it again meanwhile, under a fresh lease: that claim found it queued
                // here and left it to this lane, so it goes back in.
                Held fresh = inMemory.get(queued.key());
                if (fresh != null && !lane.offer(fresh.job()) && inMemory.remove(queued.key(), fresh)) {
                    lostLeases.add(fresh.job());
                    wakeUp();
                }
            }
            return;
        }
        // The lease it is held under now (a claim may have renewed the token since it was queued).
        DeliveryJob job = held == null ? queued : held.job();
        Optional<Webhook> webhook = registry.active(job.webhookId());
        if (webhook.isEmpty()) {
            // Removing a webhook parks its pending deliveries in the same transaction; this catches one
            // fanned out while the removal was committing.
            lane.slotFreed(null);
            store.parkRemoved(job, clock.instant()).whenComplete((ok, failure) -> inMemory.remove(job.key()));
            return;
        }
        Instant now = clock.instant();
        long started = System.nanoTime();
        OutgoingRequest request = requests.build(webhook.get(), job.messageId(), job.eventType(), job.attempt(), now.getEpochSecond(), job.body());
        sender.send(request, job.webhookId()).whenCompleteAsync((result, error) -> {
            if (error != null && AttemptErrors.causedBy(error, HttpSender.CutOffByStopException.class)) {
                cutOffByStop.add(job);
                return;
            }
            AttemptResult r = error == null ? result
                    : new AttemptResult.Failed(Optional.empty(), "internal error: " + error.getMessage(), "", HttpSender.millisSince(started));
            lane.slotFreed(r);
            record(job, webhook.get(), r, now);
        }, callbacks);
    }

    /**
     * The first of two reasons a held job is not sent now ({@link #leaseEnding} is the second); it is then
     * dropped from memory and its lease given back as soon as the store takes writes. First, while outcomes cannot be recorded (the store says it cannot write,
     * or outcomes are failing to be recorded): a delivery sent then would be sent again after the outage or
     * the restart (2,587 repeats in a 20-s stop of a shared database; on DuckDB, a third to a half of the
     * deliveries sent while an invalidated store could not record them, both seen from outside). Then, where
     * leases can be taken over, whether the job's lease has ended, or ends too soon for a renewal to come
     * first, by what this process knows: a replica paused (SIGSTOP, a frozen VM) or cut off from the database
     * past its lease would otherwise send everything its lanes held when it resumed — deliveries the other
     * replicas had taken over and sent meanwhile. Renewals come every third of a lease, so a lease held
     * normally always has more than a third left. A single owner's leases are never taken over.
     */
    private boolean cannotRecord() {
        return !store.recordingPossible() || recordingBehind.get();
    }

    /** See {@link #cannotRecord()}: the second reason, a lease another replica may take over ending or ended. */
    private boolean leaseEnding(Held held) {
        return store.leasesCanBeTakenOver() && (held == null || !clock.instant().plus(settings.lease().dividedBy(3)).isBefore(held.leaseUntil()));
    }

    private void record(DeliveryJob job, Webhook webhook, AttemptResult result, Instant attemptedAt) {
        AttemptRecord record = outcomes.decide(job, result, attemptedAt);
        observer.attempted(result);
        Runnable disable = record.disableWebhookReason()
                .<Runnable>map(reason -> () -> registry.put(webhook.withUpdate(webhook.url(), webhook.description(), webhook.filters(),
                        false, Optional.of(reason), attemptedAt)))
                .orElse(() -> { });
        // Per-entity ordering: the entity's next delivery became claimable with this outcome; claim it now.
        boolean ordered = webhook.ordering() == dev.eventwire.webhooks.Ordering.ENTITY && record.newStatus() != DeliveryStatus.PENDING;
        write(job, record, ordered ? () -> {
            disable.run();
            wakeUp();
        } : disable, ordered, 1);
    }

    /**
     * Writes an outcome; if the store cannot take it now, tries again with a growing pause instead of
     * dropping it (the delivery stays in memory meanwhile, which bounds what waits). Only a stopping
     * engine gives up, leaving the delivery leased to be sent again after the restart.
     */
    private void write(DeliveryJob job, AttemptRecord record, Runnable afterCommit, boolean awaited, int attempt) {
        DeliveryKey key = new DeliveryKey(record.webhookId(), record.eventId());
        if (attempt == 1) inMemory.computeIfPresent(key, (k, held) -> held.whileRecording());
        store.record(record, afterCommit, awaited).whenComplete((applied, failure) -> {
            if (failure == null) {
                forgetRecorded(key);
                if (applied) {
                    observer.recorded(job, record.newStatus(), record.answeredAt());
                } else if (store.leasesCanBeTakenOver()) {
                    observer.outcomeTakenOver();
                    takenOver.outcomeRefused(record.messageId());
                }
                if (recordingBehind.get() && recordingBehind.compareAndSet(true, false)) log.info("recording outcomes caught up");
                return;
            }
            if (!running) {
                // The first names its delivery; the rest are counted (a stop cutting off a full process logged 512 lines).
                if (unrecordedAtStop.getAndIncrement() == 0) {
                    log.warn("could not record the outcome of {} attempt {} while stopping; it will be sent again after the restart: {}",
                            record.messageId(), record.attempt(), reason(failure));
                }
                forgetRecorded(key);
                return;
            }
            // Once per spell, not per outcome: a failing batch holds hundreds of them.
            if (recordingBehind.compareAndSet(false, true)) log.warn("recording outcomes is behind ({}); retrying each until it is recorded", reason(failure));
            long pause = Math.min(MAX_RECORD_BACKOFF.toMillis(), 20L << Math.min(attempt, 6));
            CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS, callbacks).execute(() -> write(job, record, afterCommit, awaited, attempt + 1));
        });
    }

    /** Drops a delivery whose outcome is recorded, unless a claim has taken it again for its next attempt meanwhile. */
    private void forgetRecorded(DeliveryKey key) {
        inMemory.computeIfPresent(key, (k, held) -> held.recording() ? null : held);
    }

    /** The store's own words for a failure, without the future's wrapper and the class name it puts in front. */
    private static String reason(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return String.valueOf(t.getMessage());
    }

    private void pollLoop() {
        while (running) {
            try {
                releaseLostLeases();
                boolean more = pollOnce();
                if (pollFailing) log.info("delivery poll works again");
                pollFailing = false;
                kickWaitingLanes(); // a safety net: no lane waits longer than one poll for a free slot
                renewLeasesIfDue();
                if (!more) {
                    wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                if (!running) return;
            } catch (RuntimeException e) {
                if (!running) return; // stopping: the store refuses or the wait was interrupted; nothing to report
                // Once per spell: a store that cannot write fails every poll until it can.
                if (!pollFailing) log.warn("delivery poll failed (trying again until it works): {}", reason(e));
                pollFailing = true;
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void releaseLostLeases() {
        List<DeliveryJob> lost = new ArrayList<>();
        for (DeliveryJob job; (job = lostLeases.poll()) != null; ) lost.add(job);
        if (lost.isEmpty()) return;
        try {
            store.releaseLeases(lost).join();
        } catch (RuntimeException e) {
            // The database does not answer (why they were dropped, often): given back once it does, so they
            // need not wait out their leases after the outage.
            lostLeases.addAll(lost);
            throw e;
        }
    }

    /**
     * Every third of a lease, the leases of everything this process holds are extended by a lease from
     * now, so a delivery that waits in a slow lane longer than a lease is not taken over (and sent again)
     * by another replica meanwhile. A lease that is no longer ours stays as it is; the
     * deliveries whose renewal the store confirms have their known lease end moved on.
     */
    private void renewLeasesIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextRenewal)) return;
        nextRenewal = now.plus(settings.lease().dividedBy(3));
        if (inMemory.isEmpty()) return;
        List<DeliveryJob> held = inMemory.values().stream().map(Held::job).toList();
        Instant until = now.plus(settings.lease());
        store.renewLeases(held, until).thenAccept(renewed -> {
            for (DeliveryJob job : held) {
                if (renewed.contains(job.seq())) inMemory.computeIfPresent(job.key(), (key, h) -> h.job() == job ? h.leasedUntil(until) : h);
            }
        });
    }

    /**
     * Claims due deliveries for lanes with room and dispatches them. Returns true when more due work is
     * waiting that lanes have room for right now, so the poller claims again without pausing.
     */
    boolean pollOnce() {
        if (everyLaneFull()) return false;
        Map<String, Long> marks = new HashMap<>();
        lanes.forEach((id, lane) -> marks.put(id, lane.backlogMarks.get()));
        Instant now = clock.instant();
        Claim claim = store.claimDue(now, now.plus(settings.lease()), settings.claimBatch(), id -> claimRoom(lane(id)));
        List<DeliveryJob> overflow = new ArrayList<>();
        for (DeliveryJob job : claim.jobs()) {
            if (!dispatch(job, now.plus(settings.lease()))) overflow.add(job);
        }
        // Counted once the claimed work is in its lanes: whoever reads the count may rely on that.
        observer.claimed(claim.jobs().size());
        if (!overflow.isEmpty()) store.releaseLeases(overflow);
        boolean more = false;
        for (String id : claim.moreDue()) {
            Lane lane = lane(id);
            lane.markBacklogged();
            more |= claimRoom(lane) > 0;
        }
        marks.forEach((id, before) -> {
            Lane lane = lanes.get(id);
            if (lane != null && !claim.moreDue().contains(id)) lane.clearBacklogIfUnchanged(before);
        });
        return more;
    }

    /**
     * What a claim may give the lane: its room, except while the bodies waiting in all lanes are over the
     * claim budget, when only lanes holding little get any. Before, claims stopped altogether then: one
     * tenant's hanging webhooks with large bodies held the budget for hours, and every other tenant's
     * retries, replays and deliveries left in the store waited with them (seen from outside, 2026-12-02).
     */
    private int claimRoom(Lane lane) {
        if (queuedBytes.get() >= settings.claimBudgetBytes() && !lane.holdsLittle(settings.claimBudgetBytes())) return 0;
        return lane.room();
    }

    /**
     * True when every active webhook's lane is too full to take a claim, so asking the store would take
     * nothing: while a backlog drains the lanes stay full for seconds, and each needless claim still walks
     * the store's index of due work (on PostgreSQL, every replica several times a second). A lane drained
     * to half wakes the poller; a webhook this process has no lane for yet (just created, or due work only
     * the store knows of) counts as room.
     */
    private boolean everyLaneFull() {
        return registry.everyActive(id -> {
            Lane lane = lanes.get(id);
            return lane != null && claimRoom(lane) == 0;
        });
    }

    /**
     * Stops: no new claims, queued attempts are handed back to the store (their leases released), and
     * attempts in flight get a grace period (the delivery timeout, at most 10 s) to finish and record
     * their outcome.
     */
    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<DeliveryJob> released = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            for (DeliveryJob job : lane.drain()) {
                released.add(job);
                inMemory.remove(job.key());
            }
        }
        CompletableFuture<Void> release = store.releaseLeases(released);
        // In-flight attempts get a grace period to finish and record their outcome; any still running
        // after it are aborted and stay leased, so the next start claims them again (at-least-once).
        Duration grace = settings.deliveryTimeout().compareTo(SHUTDOWN_GRACE) < 0 ? settings.deliveryTimeout() : SHUTDOWN_GRACE;
        long deadline = System.nanoTime() + grace.plusSeconds(1).toNanos();
        while (!inMemory.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            release.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not release leases at shutdown (the next start releases them): {}", e.getMessage());
        }
        sender.close();
        callbacks.close();
        if (!cutOffByStop.isEmpty()) {
            // Still in flight when the grace ended: their leases are given back, so the next start sends
            // them at once instead of after the lease.
            log.warn("{} attempts still in flight after the stop's grace of {} were cut off without an outcome; they will be sent again after the restart",
                    cutOffByStop.size(), dev.eventwire.support.Durations.format(grace));
            try {
                store.releaseLeases(List.copyOf(cutOffByStop)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("could not release the leases of the attempts cut off (the next start takes them after their lease): {}", e.getMessage());
            }
        }
        int unrecorded = unrecordedAtStop.get();
        if (unrecorded > 1) log.warn("{} attempts ended while stopping without their outcome recorded; they will be sent again after the restart", unrecorded);
    }

    /** A delivery this process holds and when its lease ends, as far as this process knows. */
    private record Held(DeliveryJob job, Instant leaseUntil, boolean recording) {
        Held leasedUntil(Instant until) {
            return new Held(job, until, recording);
        }

        /** Its attempt is over and its outcome on its way to the store. */
        Held whileRecording() {
            return new Held(job, leaseUntil, true);
        }
    }
}
