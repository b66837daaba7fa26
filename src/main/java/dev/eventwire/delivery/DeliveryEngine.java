package dev.eventwire.delivery;

import dev.eventwire.events.IngestListener;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends deliveries. New deliveries arrive in memory right after their ingest commit (no polling delay);
 * everything else (retries, manual retries, work left by a crash) is claimed from the store by a poller.
 * The store stays the source of truth: a delivery leaves it only through a recorded outcome.
 *
 * <p>Each webhook has its own lane with a bounded queue and a cap on requests in flight, so a slow or
 * dead endpoint uses up only its own slots. Sends are non-blocking; outcomes are written through the
 * group-commit writer, many per transaction.
 */
public final class DeliveryEngine implements IngestListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(10);

    private final DeliveryStore store;
    private final WebhookRegistry registry;
    private final HttpSender sender;
    private final RequestFactory requests;
    private final OutcomePolicy outcomes;
    private final Clock clock;
    private final EngineSettings settings;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Deliveries queued or in flight in this process; bounded by the lanes' capacity. */
    private final Set<DeliveryKey> inMemory = ConcurrentHashMap.newKeySet();
    private final ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore wake = new Semaphore(0);
    private final Thread poller;
    private volatile boolean running;
    private Instant nextPrune = Instant.MIN;

    public DeliveryEngine(DeliveryStore store, WebhookRegistry registry, HttpSender sender, RequestFactory requests,
                          OutcomePolicy outcomes, Clock clock, EngineSettings settings) {
        this.store = store;
        this.registry = registry;
        this.sender = sender;
        this.requests = requests;
        this.outcomes = outcomes;
        this.clock = clock;
        this.settings = settings;
        this.poller = Thread.ofPlatform().name("eventwire-delivery-poller").daemon(true).unstarted(this::pollLoop);
    }

    public void start() {
        store.releaseAllLeases();
        running = true;
        poller.start();
    }

    public boolean isRunning() {
        return running && poller.isAlive();
    }

    /** Asks the poller to look for due work now (after a manual retry or recover). */
    public void wakeUp() {
        wake.release();
    }

    @Override
    public void committed(List<NewEvent> accepted, List<dev.eventwire.events.RejectedEvent> rejected, List<QueuedDelivery> deliveries) {
        if (deliveries.isEmpty() || !running) return;
        Map<String, NewEvent> events = new HashMap<>();
        for (NewEvent e : accepted) events.put(e.tenant() + '\u0000' + e.eventId(), e);
        for (QueuedDelivery d : deliveries) {
            NewEvent e = events.get(d.tenant() + '\u0000' + d.eventId());
            dispatch(new DeliveryJob(d.tenant(), d.webhookId(), d.eventId(), d.messageId(), e.eventType(), 1, 1, Trigger.INLINE, e.body()));
        }
    }

    private void dispatch(DeliveryJob job) {
        if (!inMemory.add(job.key())) return;
        Lane lane = lanes.computeIfAbsent(job.webhookId(), Lane::new);
        if (!lane.offer(job)) {
            // The lane is full: the delivery stays leased in the store and is claimed again when the lease lapses.
            inMemory.remove(job.key());
        }
    }

    /** One webhook's queue and in-flight count. */
    private final class Lane {
        private final String webhookId;
        private final java.util.ArrayDeque<DeliveryJob> queue = new java.util.ArrayDeque<>();
        private int inFlight;

        Lane(String webhookId) {
            this.webhookId = webhookId;
        }

        boolean offer(DeliveryJob job) {
            synchronized (this) {
                if (queue.size() >= settings.laneCapacity()) return false;
                queue.add(job);
            }
            pump();
            return true;
        }

        synchronized int queued() {
            return queue.size();
        }

        synchronized List<DeliveryJob> drain() {
            List<DeliveryJob> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        }

        void pump() {
            while (true) {
                DeliveryJob next;
                synchronized (this) {
                    if (inFlight >= settings.perEndpointInFlight() || queue.isEmpty()) return;
                    next = queue.poll();
                    inFlight++;
                }
                // Off the caller's thread: callers include the writer thread, and an attempt starts with DNS.
                callbacks.execute(() -> attempt(this, next));
            }
        }

        void slotFreed() {
            boolean idle;
            synchronized (this) {
                inFlight--;
                idle = inFlight == 0 && queue.isEmpty();
            }
            // A removed webhook's idle lane goes, so lanes stay bounded by the webhooks that exist.
            if (idle && registry.active(webhookId).isEmpty()) lanes.remove(webhookId, this);
            if (running) pump();
        }
    }

    private void attempt(Lane lane, DeliveryJob job) {
        Optional<Webhook> webhook = registry.active(job.webhookId());
        if (webhook.isEmpty()) {
            // Removing a webhook parks its pending deliveries in the same transaction; this catches one
            // fanned out while the removal was committing.
            lane.slotFreed();
            store.parkRemoved(job.key(), clock.instant()).whenComplete((ok, failure) -> inMemory.remove(job.key()));
            return;
        }
        Instant now = clock.instant();
        OutgoingRequest request = requests.build(webhook.get(), job.messageId(), job.eventType(), job.attempt(), now.getEpochSecond(), job.body());
        sender.send(request).whenCompleteAsync((result, error) -> {
            lane.slotFreed();
            AttemptResult r = error == null ? result
                    : new AttemptResult.Failed(Optional.empty(), "internal error: " + error.getMessage(), "", 0);
            record(job, webhook.get(), r, now);
        }, callbacks);
    }

    private void record(DeliveryJob job, Webhook webhook, AttemptResult result, Instant attemptedAt) {
        AttemptRecord record = outcomes.decide(job, result, attemptedAt);
        Runnable afterCommit = record.disableWebhookReason()
                .<Runnable>map(reason -> () -> registry.put(webhook.withUpdate(webhook.url(), webhook.description(), webhook.filters(),
                        false, Optional.of(reason), attemptedAt)))
                .orElse(() -> { });
        store.record(record, afterCommit).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("could not record the outcome of {} attempt {}; it will be attempted again after its lease: {}",
                        job.messageId(), job.attempt(), failure.getMessage());
            }
            inMemory.remove(job.key());
        });
    }

    private void pollLoop() {
        while (running) {
            try {
                int claimed = pollOnce();
                if (claimed < settings.claimBatch()) {
                    wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
                pruneIfDue();
            } catch (InterruptedException e) {
                if (!running) return;
            } catch (RuntimeException e) {
                log.warn("delivery poll failed: {}", e.getMessage());
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Claims due deliveries for lanes with room and dispatches them; returns how many it claimed. */
    int pollOnce() {
        Set<String> full = new HashSet<>();
        lanes.forEach((id, lane) -> {
            if (lane.queued() > settings.laneCapacity() / 2) full.add(id);
        });
        Instant now = clock.instant();
        List<DeliveryJob> jobs = store.claimDue(now, now.plus(settings.lease()), settings.claimBatch(), settings.laneCapacity() / 2, full);
        for (DeliveryJob job : jobs) dispatch(job);
        return jobs.size();
    }

    private void pruneIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextPrune)) return;
        nextPrune = now.plus(java.time.Duration.ofHours(1));
        int removed = store.pruneAttempts(now.minus(settings.attemptRetention()));
        if (removed > 0) log.info("pruned {} attempt-log rows older than {}", removed, settings.attemptRetention());
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
        List<DeliveryKey> released = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            for (DeliveryJob job : lane.drain()) {
                released.add(job.key());
                inMemory.remove(job.key());
            }
        }
        // In-flight attempts get a grace period to finish and record their outcome; any still running
        // after it are aborted and stay leased, so the next start claims them again (at-least-once).
        java.time.Duration grace = settings.deliveryTimeout().compareTo(SHUTDOWN_GRACE) < 0 ? settings.deliveryTimeout() : SHUTDOWN_GRACE;
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
            store.releaseLeases(released);
        } catch (RuntimeException e) {
            log.warn("could not release leases at shutdown (they lapse on their own): {}", e.getMessage());
        }
        sender.close();
        callbacks.close();
    }
}
