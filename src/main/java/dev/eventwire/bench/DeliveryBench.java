package dev.eventwire.bench;

import dev.eventwire.delivery.AttemptResult;
import dev.eventwire.delivery.EgressGuard;
import dev.eventwire.delivery.HostResolver;
import dev.eventwire.delivery.HttpSender;
import dev.eventwire.delivery.OutgoingRequest;
import dev.eventwire.delivery.ReceiverTrust;
import dev.eventwire.delivery.RequestFactory;
import dev.eventwire.delivery.Signer;
import dev.eventwire.support.Json;
import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookFilters;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * {@code bench delivery}, measured from outside the server: the server and the receiver each run in a
 * process of their own (this jar's {@code serve} and {@code receive}); this process is only the load
 * generator and the clock. Prints, in one run:
 * <ol>
 *   <li>raw HTTP: the same sender class with the same per-webhook pools, straight to the same receiver;</li>
 *   <li>a backlog far beyond memory: the receiver frozen (SIGSTOP), events posted, the server killed
 *       (SIGKILL), the receiver thawed, the server started again; deliveries/s until every delivery is
 *       recorded delivered, and the ratio to raw;</li>
 *   <li>raw HTTP again at once, and the drain judged against the faster of the two raw rates;</li>
 *   <li>steady single events at 200/500/1000 per second: ingest latency and sent→received, accepted→received;</li>
 *   <li>with a soak length, 1000 events/s in 30-second slices, each slice judged on its own.</li>
 * </ol>
 */
public final class DeliveryBench {
    private static final int PACED_SENDERS = 64;
    /** Raw requests sent to the receiver after the kill, untimed, so it has compiled again what the kill made it throw away. */
    private static final Duration RECEIVER_REWARM = Duration.ofSeconds(3);
    /** The soak's terms, which {@link DiskBench} judges the disk alone by. */
    static final int SOAK_EVENTS_PER_SECOND = 1000;
    static final Duration SOAK_SLICE = Duration.ofSeconds(30);
    static final long INGEST_P99_GOAL_MICROS = 50_000;
    private static final long ACCEPTED_TO_RECEIVED_P99_GOAL_MICROS = 25_000;
    /** A force of the disk this long, in a slice that missed the ingest goal, is named as what held it. */
    private static final long DISK_STALL_MICROS = 100_000;
    private static final String CEILING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final PrintStream out;
    private final int webhookCount;
    private final Duration phase;
    private final Duration soak;
    private final int backlog;
    /** {@code serve --warm-up} of the server and of its restart ("0s": none). */
    private final String warmUp;
    private final Json json = new Json();
    /** Signs the raw requests this process sends to the receiver, as the server signs its deliveries. */
    private final RequestFactory rawRequests = new RequestFactory(new Signer(), "bench");

    public DeliveryBench(PrintStream out, int webhookCount, Duration phase, Duration soak, int backlog, String warmUp) {
        this.out = out;
        this.webhookCount = webhookCount;
        this.phase = phase;
        this.soak = soak;
        this.backlog = backlog;
        this.warmUp = warmUp;
    }

    private ServerProcess startServer(Path db, int port, Path log) {
        return ServerProcess.start(List.of(), List.of("--data", db.toString(), "--warm-up", warmUp), port, log);
    }

    public void run() {
        Path data = LocalServer.freshFolder("eventwire-bench-");
        Receipts receipts = new Receipts();
        try (ChildProcess receiver = ChildProcess.start(List.of("receive"), Map.of(), data.resolve("receiver.log"), receipts::line)) {
            int receiverPort = receipts.awaitPort();
            receiver.writeLine("secret " + CEILING_SECRET);
            out.printf("bench delivery: %d webhook(s) on a receiver process, server in its own process (serve --warm-up %s), %d cores; data in %s%n",
                    webhookCount, warmUp, Runtime.getRuntime().availableProcessors(), data);
            double raw = ceiling(receiverPort, receiver.pid(), receipts, "raw HTTP: sender → receiver process");

            int port = ChildProcess.freePort();
            Path db = data.resolve("db");
            ServerProcess server = startServer(db, port, data.resolve("server-1.log"));
            try {
                String key = server.createTenantKey("bench");
                List<String> webhookIds = new ArrayList<>();
                for (int i = 0; i < webhookCount; i++) {
                    LoadClient.Reply reply = server.client().post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + receiverPort + "/h" + i + "\"}");
                    var node = json.read(reply.body());
                    receiver.writeLine("secret " + node.get("secret").asText());
                    webhookIds.add(node.get("id").asText());
                }
                Drained drained = drainBacklog(server, db, port, data, key, webhookIds, receiver, receiverPort, receipts, raw);
                server = drained.server();
                double rawAfter = ceiling(receiverPort, receiver.pid(), receipts, "raw HTTP again, after the drain");
                out.println(new DrainVerdict(drained.fromReady(), raw, rawAfter).describe());
                try (DiskProbe disk = DiskProbe.start(data, Duration.ofMillis(20))) {
                    CpuShare steal = CpuShare.steal();
                    for (int rate : new int[]{200, 500, 1000}) {
                        disk.takeSlice();
                        steal.takeSlice();
                        report("steady " + rate + " events/s", paced(server, key, rate, phase, receipts), disk.takeSlice(), steal.describe(steal.takeSlice()));
                    }
                    if (!soak.isZero()) soak(server, key, receipts, disk, steal);
                }
                receipts.sync();
                out.printf("signatures: %d requests received, %d failed verification; same webhook-id received again: %d%n",
                        receipts.total(), receipts.badSignatures(), receipts.repeats());
            } finally {
                server.close();
            }
        } finally {
            LocalServer.keepLogs(data, out);
            LocalServer.deleteFolder(data);
        }
    }

    /** The same sender and signer, no store, straight to the receiver process: how fast HTTP alone goes here. */
    private double ceiling(int receiverPort, long receiverPid, Receipts receipts, String name) {
        try (HttpSender sender = rawSender()) {
            int window = 32 * webhookCount;
            // A warmed server is compared with a warmed sender: the same length unmeasured first.
            if (!Duration.ZERO.equals(dev.eventwire.support.Durations.parseOne(warmUp))) sendFor(sender, receiverPort, window, phase);
            CpuPerRequest cpu = new CpuPerRequest(new CpuPerRequest.Named("sender (this process)", ProcessHandle.current().pid()),
                    new CpuPerRequest.Named("receiver", receiverPid));
            long start = System.nanoTime();
            long done = sendFor(sender, receiverPort, window, phase);
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = done / seconds;
            out.printf("%-36s %9.0f requests/s (%d in %.1fs, %d in flight; %s)%n", name, rate, done, seconds, window, cpu.describe(done));
            receipts.reset();
            return rate;
        }
    }

    /** The server's sender class with the server's per-webhook pool size, allowed to loopback only. */
    private static HttpSender rawSender() {
        return new HttpSender(new EgressGuard(HostResolver.SYSTEM, List.of("127.0.0.1/32")), ReceiverTrust.JVM_DEFAULTS, Duration.ofSeconds(5), Duration.ofSeconds(15), 32);
    }

    /** Sends signed requests for {@code length} with {@code window} in flight; returns how many were answered 2xx. */
    private long sendFor(HttpSender sender, int receiverPort, int window, Duration length) {
        String body = "{\"event_id\":\"ceiling\",\"event_type\":\"order.created\",\"entity_id\":null,\"occurred_at\":\"2026-01-01T00:00:00Z\",\"data\":{}}";
        Semaphore slots = new Semaphore(window);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        int n = 0;
        while (System.nanoTime() < end) {
            int hook = n % webhookCount;
            Webhook w = new Webhook("wh_ceiling" + hook, "bench", "http://127.0.0.1:" + receiverPort + "/ceiling" + hook, Optional.empty(),
                    WebhookFilters.NONE, CEILING_SECRET, Optional.empty(), true, Optional.empty(), Instant.now(), Instant.now(),
                    Optional.empty(), dev.eventwire.webhooks.Ordering.NONE);
            OutgoingRequest request = rawRequests.build(w, "msg_ceiling" + System.nanoTime() + "-" + n, "order.created", 1, Instant.now().getEpochSecond(), body);
            n++;
            slots.acquireUninterruptibly();
            sender.send(request, w.id()).whenComplete((r, e) -> {
                if (r instanceof AttemptResult.Delivered) done.incrementAndGet();
                else failed.incrementAndGet();
                slots.release();
            });
        }
        slots.acquireUninterruptibly(window);
        slots.release(window);
        // Only answered requests count; a receiver that refuses or drops requests makes the ceiling meaningless.
        if (failed.get() > 0) throw new IllegalStateException(failed.get() + " raw requests to the receiver failed (" + done.get() + " answered 2xx)");
        return done.get();
    }

    /** Posts {@code count} events in batches of 1,000, ids {@code prefix0…}; fails on any refusal. */
    private static void postEvents(ServerProcess server, String key, String prefix, int count) {
        for (int from = 0; from < count; from += 1000) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                batch.append(i == from ? "" : ",").append("{\"event_id\":\"").append(prefix).append(i)
                        .append("\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":12.5}}");
            }
            LoadClient.Reply reply = server.client().post("/v1/events", key, batch.append("]}").toString());
            if (reply.status() != 200) throw new IllegalStateException("posting events failed: " + reply.status() + " " + reply.body());
        }
    }

    /**
     * A backlog beyond memory, drained from the store: the receiver is frozen while the backlog is posted,
     * the server is killed, the receiver thawed, and a new server process drains it.
     */
    private Drained drainBacklog(ServerProcess server, Path db, int port, Path data, String key, List<String> webhookIds,
                                       ChildProcess receiver, int receiverPort, Receipts receipts, double raw) {
        receipts.reset(); // every distinct delivery from here on belongs to the backlog, including those cut off by the kill
        receiver.signal("STOP");
        long ingestStart = System.nanoTime();
        postEvents(server, key, "bl-", backlog);
        double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
        server.kill();
        receiver.signal("CONT");
        receipts.settle();
        // The kill reset the receiver's connections mid-request, and its JIT threw away compiled code those
        // resets ran through: a receiver left so spent the drain's first seconds compiling again (0.19–0.28
        // of a core in the first 2.5 s, 0.12 after this). Raw requests, not counted, recompile it first.
        receipts.leaveOut(() -> {
            try (HttpSender sender = rawSender()) {
                sendFor(sender, receiverPort, 32 * webhookIds.size(), RECEIVER_REWARM);
            }
        });
        long expected = (long) backlog * webhookIds.size();
        long start = System.nanoTime();
        ServerProcess again = startServer(db, port, data.resolve("server-2.log"));
        long ready = System.nanoTime();
        CpuPerRequest cpu = new CpuPerRequest(new CpuPerRequest.Named("server", again.pid()), new CpuPerRequest.Named("receiver", receiver.pid()));
        CpuShare steal = CpuShare.steal();
        CpuShare idle = CpuShare.idle();
        double startSeconds = (ready - start) / 1e9;
        Receipts.Arrivals arrivals = receipts.awaitDistinct(expected, ready);
        long received = receipts.requestsSinceReset();
        for (String id : webhookIds) {
            while (json.read(again.client().get("/v1/webhooks/" + id + "/deliveries?status=pending&limit=1", key).body()).get("deliveries").size() > 0) {
                pause(Duration.ofMillis(20));
            }
        }
        long recorded = System.nanoTime();
        String cpuPerDelivery = cpu.describe(expected);
        double stolen = steal.takeSlice();
        double idleShare = idle.takeSlice();
        double recordedSeconds = (recorded - start) / 1e9;
        double rate = expected / recordedSeconds;
        // With a warm-up the restart spends that long before it serves (and sends): the drain is also
        // given from the moment the restarted server answered, which is the sending rate itself.
        double fromReady = expected / ((recorded - ready) / 1e9);
        out.printf("%-36s %9.0f deliveries/s durable = %.0f%% of raw (%,d deliveries: posted in %.1fs with the receiver frozen, server killed;"
                        + " restart took %.1fs; from its /health received %s; all recorded delivered at %.1fs after the restart began; %d received twice)%n",
                "backlog after kill -9 and restart", rate, 100 * rate / raw, expected, ingestSeconds, startSeconds, arrivals.describe(), recordedSeconds,
                received - receipts.distinct());
        out.printf("%-36s %9.0f deliveries/s durable = %.0f%% of raw, from the moment the restarted server answered /health (%s; %s; %s)%n", "", fromReady,
                100 * fromReady / raw, steal.describe(stolen), idle.describe(idleShare), cpuPerDelivery);
        return new Drained(again, fromReady);
    }

    /** The server that drained the backlog (it serves the phases after), and its rate from the moment it answered. */
    private record Drained(ServerProcess server, double fromReady) {
    }

    /** One phase's figures: ingest acknowledgement latency, and receipt latency from the send and from the acknowledgement. */
    private record Phase(Histogram ingest, Histogram sentToReceived, Histogram ackedToReceived, long errors, String firstError, long missing) {
        /** What the first refused or failed request got, so an error count says what went wrong; empty without errors. */
        String errorNote() {
            return errors == 0 ? "" : " (first: " + firstError + ")";
        }
    }

    private void report(String name, Phase p, Histogram disk, String steal) {
        out.printf("%-36s ingest p50 %6.2f ms p99 %6.2f ms max %7.2f | sent→received p50 %6.2f p99 %6.2f max %7.2f"
                        + " | accepted→received p99 %6.2f ms (%d deliveries, %d errors, %d missing) | disk force p99 %.1f max %.1f ms | %s%s%n",
                name, ms(p.ingest, 50), ms(p.ingest, 99), p.ingest.getMaxValue() / 1000.0, ms(p.sentToReceived, 50), ms(p.sentToReceived, 99),
                p.sentToReceived.getMaxValue() / 1000.0, ms(p.ackedToReceived, 99), p.sentToReceived.getTotalCount(), p.errors, p.missing,
                ms(disk, 99), disk.getMaxValue() / 1000.0, steal, p.errorNote());
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Single events on a fixed schedule ({@link SingleEventPacer}), then the times their deliveries were received. */
    private Phase paced(ServerProcess server, String key, int rate, Duration length, Receipts receipts) {
        long count = length.toSeconds() * rate;
        String prefix = "p" + rate + "-" + System.nanoTime() + "-";
        List<SingleEventPacer.Sent> posted;
        try (SingleEventPacer pacer = new SingleEventPacer(server.client(), key, prefix, rate, count, PACED_SENDERS)) {
            pacer.awaitDone();
            posted = pacer.sent();
        }
        long[] sentMicros = new long[(int) count];
        long[] ackedMicros = new long[(int) count];
        Histogram ingest = new Histogram(3);
        long errors = 0;
        String firstError = null;
        long accepted = 0;
        for (SingleEventPacer.Sent p : posted) {
            sentMicros[(int) p.index()] = p.dueMicros();
            ackedMicros[(int) p.index()] = p.answeredMicros();
            ingest.recordValue(p.latencyMicros());
            if (p.accepted()) {
                accepted++;
            } else {
                errors++;
                if (firstError == null) firstError = p.refusal();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (receipts.countWithPrefix(prefix) < accepted * webhookCount && System.nanoTime() < deadline) pause(Duration.ofMillis(20));
        Histogram sentToReceived = new Histogram(3);
        Histogram ackedToReceived = new Histogram(3);
        long missing = accepted * webhookCount;
        for (Receipts.Receipt r : receipts.takeWithPrefix(prefix)) {
            int i = Integer.parseInt(r.eventId().substring(prefix.length()));
            sentToReceived.recordValue(Math.max(0, r.micros() - sentMicros[i]));
            ackedToReceived.recordValue(Math.max(0, r.micros() - ackedMicros[i]));
            missing--;
        }
        return new Phase(ingest, sentToReceived, ackedToReceived, errors, firstError, Math.max(0, missing));
    }

    private void soak(ServerProcess server, String key, Receipts receipts, DiskProbe disk, CpuShare steal) {
        out.printf("soak: 1000 events/s for %ds, judged per 30-second slice (server resident memory from /proc; the disk's force time from a probe"
                + " beside the server, on the same file system; the machine's CPU time taken by other guests, from /proc/stat; the share of"
                + " requests the server itself acknowledged within 50 ms, from its /metrics)%n", soak.toSeconds());
        long slices = Math.max(1, soak.toSeconds() / SOAK_SLICE.toSeconds());
        int ingestMet = 0;
        int receivedMet = 0;
        int ingestMissedWithDiskStall = 0;
        int ingestMissedWithSteal = 0;
        ServerAcknowledgements acknowledgements = new ServerAcknowledgements(() -> server.client().get("/metrics", null).body());
        for (long s = 0; s < slices; s++) {
            disk.takeSlice();
            steal.takeSlice();
            acknowledgements.takeSlice();
            Phase p = paced(server, key, SOAK_EVENTS_PER_SECOND, SOAK_SLICE, receipts);
            Histogram forces = disk.takeSlice();
            double stolen = steal.takeSlice();
            double acknowledgedInTime = acknowledgements.takeSlice();
            boolean ingestOk = p.ingest.getValueAtPercentile(99) <= INGEST_P99_GOAL_MICROS && p.errors == 0 && p.missing == 0;
            boolean receivedOk = p.ackedToReceived.getValueAtPercentile(99) <= ACCEPTED_TO_RECEIVED_P99_GOAL_MICROS && p.missing == 0;
            if (ingestOk) ingestMet++;
            else if (forces.getMaxValue() >= DISK_STALL_MICROS) ingestMissedWithDiskStall++;
            else if (stolen >= CpuShare.NOTABLE_STEAL) ingestMissedWithSteal++;
            if (receivedOk) receivedMet++;
            out.printf("  t=%4ds ingest p99 %6.2f ms max %7.2f | sent→received p99 %7.2f ms | accepted→received p99 %6.2f ms | %d errors %d missing"
                            + " | server RSS %4d MiB | disk force p99 %5.1f max %6.1f ms | %s | %s%s%n",
                    (s + 1) * 30, ms(p.ingest, 99), p.ingest.getMaxValue() / 1000.0, ms(p.sentToReceived, 99), ms(p.ackedToReceived, 99),
                    p.errors, p.missing, server.residentMiB(), ms(forces, 99), forces.getMaxValue() / 1000.0, steal.describe(stolen),
                    ServerAcknowledgements.describe(acknowledgedInTime), p.errorNote());
        }
        out.printf("soak: ingest p99 ≤ %d ms in %d of %d slices (of the others, %d had a disk force of %d ms or more, %d more %.0f %% or more of the CPU"
                        + " taken by other guests); accepted→received p99 ≤ %d ms in %d of %d%n",
                INGEST_P99_GOAL_MICROS / 1000, ingestMet, slices, ingestMissedWithDiskStall, DISK_STALL_MICROS / 1000, ingestMissedWithSteal,
                100 * CpuShare.NOTABLE_STEAL, ACCEPTED_TO_RECEIVED_P99_GOAL_MICROS / 1000, receivedMet, slices);
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
