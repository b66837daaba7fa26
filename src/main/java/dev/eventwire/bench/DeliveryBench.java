package dev.eventwire.bench;

import dev.eventwire.delivery.EgressGuard;
import dev.eventwire.delivery.HostResolver;
import dev.eventwire.delivery.HttpSender;
import dev.eventwire.delivery.OutgoingRequest;
import dev.eventwire.delivery.RequestFactory;
import dev.eventwire.delivery.Signer;
import dev.eventwire.demo.LocalReceiver;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookFilters;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code bench delivery}: webhooks on local receivers; prints (1) the raw HTTP rate of the sender alone,
 * the ceiling, (2) durable deliveries/s when events arrive faster than they can be delivered, and
 * (3) sent→received latency (an upper bound of accepted→received) at steady ingest rates. With a soak length it also runs 1,000 events/s
 * for that long and prints heap after GC every 30 s.
 */
public final class DeliveryBench {
    private static final int PACED_SENDERS = 64;
    private static final String CEILING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final PrintStream out;
    private final int webhookCount;
    private final Duration phase;
    private final Duration soak;

    public DeliveryBench(PrintStream out, int webhookCount, Duration phase, Duration soak) {
        this.out = out;
        this.webhookCount = webhookCount;
        this.phase = phase;
        this.soak = soak;
    }

    public void run() {
        Map<String, Long> ackedAt = new ConcurrentHashMap<>();
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        Recorder latency = new Recorder(3);
        Recorder fromCommit = new Recorder(3);
        AtomicLong received = new AtomicLong();
        AtomicLong repeats = new AtomicLong();
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        LocalReceiver.Listener listener = r -> {
            received.incrementAndGet();
            if (r.attempt() > 1) repeats.incrementAndGet();
            Long acked = ackedAt.get(r.eventId());
            if (acked != null) latency.recordValue(Math.max(0, r.nanos() - acked) / 1000);
            Long committed = committedAt.get(r.eventId());
            if (committed != null) fromCommit.recordValue(Math.max(0, r.nanos() - committed) / 1000);
        };
        List<LocalReceiver> receivers = new ArrayList<>();
        // Told right after each ingest commit, before the request is answered: "accepted" in accepted→received.
        dev.eventwire.events.IngestListener commits = (accepted, rejected, deliveries) -> {
            long now = System.nanoTime();
            if (!deliveries.isEmpty()) for (var e : accepted) if (e.eventId().startsWith("p")) committedAt.put(e.eventId(), now);
        };
        try (LocalServer server = new LocalServer(LocalServer.freshFolder("eventwire-bench-"), true, c -> c.withEgressAllow(List.of("127.0.0.1/32")), commits)) {
            for (int i = 0; i < webhookCount; i++) receivers.add(new LocalReceiver(() -> 200, listener));
            out.printf("bench delivery: %d webhooks on local receivers, %d cores, phases of %ds%n", webhookCount,
                    Runtime.getRuntime().availableProcessors(), phase.toSeconds());
            receivers.forEach(r -> r.verifyWith(CEILING_SECRET));
            ceiling(receivers);
            long ceilingReceipts = received.get();

            String key = server.createTenantKey("bench", "bench");
            List<String> webhookIds = new ArrayList<>();
            for (LocalReceiver receiver : receivers) {
                var reply = server.client().post("/v1/webhooks", key, "{\"url\":\"" + receiver.url("/hook") + "\"}");
                var node = server.parse(reply.body());
                receiver.verifyWith(node.get("secret").asText());
                webhookIds.add(node.get("id").asText());
            }
            throughput(server, key, webhookIds, received);
            for (int rate : new int[]{200, 500, 1000}) {
                latency.reset();
                fromCommit.reset();
                paced(server, key, rate, phase, ackedAt, latency, "steady " + rate + " events/s");
                Histogram c = fromCommit.getIntervalHistogram();
                out.printf("%-34s accepted→received p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%d deliveries, from the ingest commit)%n",
                        "", c.getValueAtPercentile(50) / 1000.0, c.getValueAtPercentile(95) / 1000.0, c.getValueAtPercentile(99) / 1000.0,
                        c.getMaxValue() / 1000.0, c.getTotalCount());
                ackedAt.clear();
                committedAt.clear();
            }
            if (!soak.isZero()) soak(server, key, ackedAt, latency, received, committedAt, fromCommit);
            long bad = receivers.stream().mapToLong(LocalReceiver::badSignatures).sum();
            out.printf("signatures: %d webhooks received and verified, %d failed verification; attempts > 1: %d%n",
                    received.get() - ceilingReceipts, bad, repeats.get());
        } finally {
            receivers.forEach(LocalReceiver::close);
        }
    }

    /** The same sender and signer, no store: how fast HTTP alone goes on this machine. */
    private void ceiling(List<LocalReceiver> receivers) {
        EgressGuard guard = new EgressGuard(HostResolver.SYSTEM, List.of("127.0.0.1/32"));
        RequestFactory requests = new RequestFactory(new Signer(), "bench");
        try (HttpSender sender = new HttpSender(guard, Duration.ofSeconds(5), Duration.ofSeconds(15), 32)) {
            String body = "{\"event_id\":\"ceiling\",\"event_type\":\"order.created\",\"entity_id\":null,\"occurred_at\":\"2026-01-01T00:00:00Z\",\"data\":{}}";
            Semaphore window = new Semaphore(32 * receivers.size());
            AtomicLong done = new AtomicLong();
            long end = System.nanoTime() + phase.toNanos();
            long start = System.nanoTime();
            int n = 0;
            while (System.nanoTime() < end) {
                LocalReceiver receiver = receivers.get(n++ % receivers.size());
                Webhook w = new Webhook("wh_ceiling", "bench", receiver.url("/ceiling"), Optional.empty(), WebhookFilters.NONE,
                        CEILING_SECRET, true, Optional.empty(), Instant.now(), Instant.now());
                OutgoingRequest request = requests.build(w, "msg_ceiling" + n, "order.created", 1, Instant.now().getEpochSecond(), body);
                window.acquireUninterruptibly();
                sender.send(request).whenComplete((r, e) -> {
                    done.incrementAndGet();
                    window.release();
                });
            }
            window.acquireUninterruptibly(32 * receivers.size());
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("%-34s %9.0f requests/s (%d in %.1fs)%n", "ceiling: HTTP sender alone", done.get() / seconds, done.get(), seconds);
        }
    }

    /** Events arrive in batches faster than they can be delivered; measures until every delivery is recorded delivered. */
    private void throughput(LocalServer server, String key, List<String> webhookIds, AtomicLong received) {
        long before = received.get();
        long start = System.nanoTime();
        long end = start + phase.toNanos();
        long events = 0;
        while (System.nanoTime() < end) {
            var reply = server.client().post("/v1/events", key, SyntheticEvents.batch(java.util.concurrent.ThreadLocalRandom.current(), 500));
            if (reply.status() == 200) events += 500;
        }
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        for (String id : webhookIds) {
            while (server.parse(server.client().get("/v1/webhooks/" + id + "/deliveries?status=pending&limit=1", key).body()).get("deliveries").size() > 0) {
                pause(Duration.ofMillis(50));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deliveries = events * webhookIds.size();
        out.printf("%-34s %9.0f deliveries/s durable (%d deliveries of %d events; ingest took %.1fs, all recorded delivered at %.1fs; received %d)%n",
                "throughput: batches of 500", deliveries / seconds, deliveries, events, ingestSeconds, seconds, received.get() - before);
    }

    /**
     * Sends single events on a fixed schedule from a bounded set of senders (like a real producer with a
     * connection pool). Latency is measured from each event's scheduled send time, so a stall on the
     * server side shows up in the figures instead of slowing the schedule (no coordinated omission).
     */
    private Histogram paced(LocalServer server, String key, int rate, Duration length, Map<String, Long> sentAt, Recorder latency, String name) {
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long count = length.toSeconds() * rate;
        AtomicLong errors = new AtomicLong();
        Recorder ack = new Recorder(3);
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < PACED_SENDERS; s++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long due = start + i * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    String eventId = "p" + rate + "-" + start + "-" + i;
                    String body = SyntheticEvents.one(java.util.concurrent.ThreadLocalRandom.current()).replaceFirst("\\{", "{\"event_id\":\"" + eventId + "\",");
                    // From the scheduled time: includes the ingest commit (the webhook often arrives before the 202 is read).
                    sentAt.put(eventId, due);
                    var reply = server.client().post("/v1/events", key, body);
                    ack.recordValue(Math.max(0, System.nanoTime() - due) / 1000);
                    if (reply.status() != 202) errors.incrementAndGet();
                }
            }));
        }
        for (Thread t : senders) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pause(Duration.ofSeconds(1));
        Histogram h = latency.getIntervalHistogram();
        if (name == null) return h;
        Histogram a = ack.getIntervalHistogram();
        out.printf("%-34s sent→received p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%d deliveries; ingest ack p50 %.2f ms p99 %.2f ms; %d errors)%n",
                name, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0, h.getTotalCount(), a.getValueAtPercentile(50) / 1000.0, a.getValueAtPercentile(99) / 1000.0, errors.get());
        return h;
    }

    private void soak(LocalServer server, String key, Map<String, Long> ackedAt, Recorder latency, AtomicLong received, Map<String, Long> committedAt,
                      Recorder fromCommit) {
        out.printf("soak: 1000 events/s for %ds; heap after GC every 30s%n", soak.toSeconds());
        long slices = Math.max(1, soak.toSeconds() / 30);
        for (long s = 0; s < slices; s++) {
            long before = received.get();
            latency.reset();
            fromCommit.reset();
            Histogram h = paced(server, key, 1000, Duration.ofSeconds(30), ackedAt, latency, null);
            Histogram c = fromCommit.getIntervalHistogram();
            ackedAt.clear();
            committedAt.clear();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            out.printf("  t=%4ds heap after GC %6.1f MiB  deliveries/s %6.0f  accepted→received p99 %6.2f ms  sent→received p99 %7.2f ms  threads %d%n",
                    (s + 1) * 30, heap / 1048576.0, (received.get() - before) / 30.0, c.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, Thread.activeCount());
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
