package dev.eventwire.bench;

import dev.eventwire.support.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * {@code bench backup}, from outside (server, receiver and this load generator in processes of their
 * own): an online backup of a large data folder while the server drains a delivery backlog and single
 * events keep arriving; then a server started on the backup.
 *
 * <ol>
 *   <li>Events posted in batches with the receiver frozen: a backlog of one delivery each.</li>
 *   <li>The receiver thawed; single events posted on a fixed schedule from then on.</li>
 *   <li>After a quiet window, {@code POST /v1/admin/backups}; another window after its answer.</li>
 * </ol>
 *
 * It prints the backup's size, time and speed beside a plain copy of the same files on the same disk
 * (the ratio, since this machine's disk speed moves from hour to hour), and the single events'
 * acknowledgement latency per second before, during and after the backup. Then the server stops, a new
 * one starts on the backup and drains what it holds pending; the bench checks that every event
 * acknowledged before the request reached the receiver (from one server or the other), and that the
 * backup holds the last event acknowledged before the request and not the first posted after its answer.
 */
public final class BackupBench {
    /** Senders of the single events beside the drain: a producer with a small connection pool. */
    private static final int SINGLE_EVENT_SENDERS = 16;
    private static final String BACKLOG_PREFIX = "b-";
    /** The receiver reports the arrival of every event whose id starts with "p". */
    private static final String PACED_PREFIX = "p-backup-";
    private static final String SETTLING = "settling";
    private static final String BEFORE = "before";
    private static final String DURING = "during";
    private static final String AFTER = "after";
    /** Backlog batches stay well under the server's 5 MiB body limit. */
    private static final int BATCH_BYTES = 2 * 1024 * 1024;
    private final PrintStream out;
    private final int events;
    private final int eventBytes;
    private final int perSecond;
    private final Duration window;
    private final String warmUp;
    private final Json json = new Json();

    public BackupBench(PrintStream out, int events, int eventBytes, int perSecond, Duration window, String warmUp) {
        this.out = out;
        this.events = events;
        this.eventBytes = eventBytes;
        this.perSecond = perSecond;
        this.window = window;
        this.warmUp = warmUp;
    }

    public void run() {
        Path folder = LocalServer.freshFolder("eventwire-bench-backup-");
        Receipts receipts = new Receipts();
        try (ChildProcess receiver = ChildProcess.start(List.of("receive"), Map.of(), folder.resolve("receiver.log"), receipts::line)) {
            int receiverPort = receipts.awaitPort();
            Path backup = folder.resolve("backup");
            out.printf("bench backup: %,d events of about %d bytes, random letters, each with one delivery, %d single events/s beside, windows of %d s;"
                            + " server, receiver and load generator in their own processes, %d cores, data and backups in %s%n",
                    events, eventBytes, perSecond, window.toSeconds(), Runtime.getRuntime().availableProcessors(), folder);
            Backup idle;
            Taken taken;
            String key;
            String webhookId;
            try (ServerProcess server = start(folder.resolve("db"), folder.resolve("server.log"))) {
                key = server.createTenantKey("bench");
                webhookId = createWebhook(server, key, receiverPort, receiver);
                receipts.reset();
                receiver.signal("STOP");
                try {
                    long postStart = System.nanoTime();
                    postBacklog(server, key);
                    out.printf("backlog: %,d events posted in %.1f s with the receiver frozen%n", events, (System.nanoTime() - postStart) / 1e9);
                    idle = backUp(server, folder.resolve("backup-idle"));
                    LocalServer.deleteFolder(folder.resolve("backup-idle"));
                } finally {
                    receiver.signal("CONT");
                }
                out.printf("idle backup (the receiver still frozen, nothing else running): %s%n", idle.describe());
                out.println("the receiver thawed: the server drains the backlog from now on, single events posted beside");
                taken = backUpBeside(server, key, backup);
            }
            out.println();
            report(taken, idle);
            restore(backup, folder.resolve("restored.log"), key, webhookId, receipts, taken);
        } finally {
            LocalServer.deleteFolder(folder);
        }
    }

    private ServerProcess start(Path data, Path log) {
        return ServerProcess.start(List.of(), List.of("--data", data.toString(), "--warm-up", warmUp), ChildProcess.freePort(), log);
    }

    private String createWebhook(ServerProcess server, String key, int receiverPort, ChildProcess receiver) {
        LoadClient.Reply created = server.client().post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + receiverPort + "/backup\"}");
        if (created.status() != 201) throw new IllegalStateException("creating a webhook failed: " + created);
        var node = json.read(created.body());
        receiver.writeLine("secret " + node.get("secret").asText());
        return node.get("id").asText();
    }

    private void postBacklog(ServerProcess server, String key) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        char[] note = new char[Math.max(0, eventBytes - 110)];
        int perBatch = Math.max(1, Math.min(1000, BATCH_BYTES / eventBytes));
        for (int from = 0; from < events; from += perBatch) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = from; i < Math.min(events, from + perBatch); i++) {
                // Letters drawn at random: a note that compresses as little as real payloads, not to nothing as one letter repeated would.
                for (int c = 0; c < note.length; c++) note[c] = (char) ('a' + random.nextInt(26));
                batch.append(i == from ? "" : ",").append("{\"event_id\":\"").append(BACKLOG_PREFIX).append(i)
                        .append("\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":12.5,\"note\":\"").append(note).append("\"}}");
            }
            LoadClient.Reply reply = server.client().post("/v1/events", key, batch.append("]}").toString());
            if (reply.status() != 200) throw new IllegalStateException("a backlog post failed: " + reply.status() + " " + reply.body());
        }
    }

    /** One backup written: when it was asked for and answered (wall-clock microseconds), its size and files, the server's own time. */
    private record Backup(long requestedMicros, long answeredMicros, long bytes, int files, long serverMillis) {
        double seconds() {
            return (answeredMicros - requestedMicros) / 1e6;
        }

        double mibPerSecond() {
            return bytes / (1024.0 * 1024.0) / seconds();
        }

        String describe() {
            return String.format("%d files, %.1f MiB in %.2f s from request to answer (%.2f s by the server's count) = %.1f MiB/s", files,
                    bytes / (1024.0 * 1024.0), seconds(), serverMillis / 1000.0, mibPerSecond());
        }
    }

    /** The backup taken under load and what the single events met around it. */
    private record Taken(long startMicros, long settledMicros, Backup backup, List<SingleEventPacer.Sent> singles) {
    }

    private Backup backUp(ServerProcess server, Path to) {
        try (LoadClient admin = new LoadClient(server.baseUrl(), Duration.ofHours(2))) {
            long requested = DeliveryBench.nowMicros();
            LoadClient.Reply reply = admin.post("/v1/admin/backups", ServerProcess.ADMIN_KEY, json.write(Map.of("to", to.toString())));
            long answered = DeliveryBench.nowMicros();
            if (reply.status() != 201) throw new IllegalStateException("the backup failed: " + reply.status() + " " + reply.body());
            var body = json.read(reply.body());
            return new Backup(requested, answered, body.get("bytes").asLong(), body.get("files").size(), body.get("took_ms").asLong());
        }
    }

    /** A window for the drain and the single events to settle (not judged), one before the backup, the backup, one after. */
    private Taken backUpBeside(ServerProcess server, String key, Path to) {
        long start = DeliveryBench.nowMicros();
        try (SingleEventPacer pacer = new SingleEventPacer(server.client(), key, PACED_PREFIX, perSecond, SingleEventPacer.UNBOUNDED, SINGLE_EVENT_SENDERS)) {
            DeliveryBench.pause(window);
            long settled = DeliveryBench.nowMicros();
            DeliveryBench.pause(window);
            Backup backup = backUp(server, to);
            DeliveryBench.pause(window);
            pacer.close();
            return new Taken(start, settled, backup, pacer.sent());
        }
    }

    private void report(Taken t, Backup idle) {
        Backup b = t.backup();
        out.printf("backup under load: %s — %.1f × the idle backup's time%n", b.describe(), b.seconds() / idle.seconds());
        out.println("single events, acknowledgement latency from each one's scheduled time, per second since the thaw:");
        out.println("  second  phase     posted  p50 ms  p99 ms  max ms  refused");
        Map<Long, List<SingleEventPacer.Sent>> bySecond = new TreeMap<>();
        Map<String, Histogram> byPhase = new LinkedHashMap<>();
        for (String phase : List.of(SETTLING, BEFORE, DURING, AFTER)) byPhase.put(phase, new Histogram(3));
        for (SingleEventPacer.Sent s : t.singles()) {
            bySecond.computeIfAbsent((s.dueMicros() - t.startMicros()) / 1_000_000, k -> new ArrayList<>()).add(s);
            byPhase.get(phase(t, s.dueMicros(), s.answeredMicros())).recordValue(s.latencyMicros());
        }
        for (var second : bySecond.entrySet()) {
            Histogram h = new Histogram(3);
            long refused = 0;
            for (SingleEventPacer.Sent s : second.getValue()) {
                h.recordValue(s.latencyMicros());
                if (!s.accepted()) refused++;
            }
            long from = t.startMicros() + second.getKey() * 1_000_000;
            out.printf("  %5d   %-8s %6d  %6.1f  %6.1f  %6.1f  %7d%n", second.getKey(), phase(t, from, from + 999_999), h.getTotalCount(),
                    ms(h, 50), ms(h, 99), h.getMaxValue() / 1000.0, refused);
        }
        long refused = t.singles().stream().filter(s -> !s.accepted()).count();
        out.printf("single events over each phase (%,d posted, %d not accepted; the first window lets the drain and the server settle):%n",
                t.singles().size(), refused);
        for (var phase : byPhase.entrySet()) {
            Histogram h = phase.getValue();
            out.printf("  %-8s p50 %6.1f ms  p99 %6.1f ms  max %7.1f ms  (%,d events)%n", phase.getKey(), ms(h, 50), ms(h, 99), h.getMaxValue() / 1000.0,
                    h.getTotalCount());
        }
        Histogram before = byPhase.get(BEFORE);
        Histogram during = byPhase.get(DURING);
        if (before.getTotalCount() > 0 && during.getTotalCount() > 0) {
            out.printf("  p99 during the backup = %.1f × p99 in the window before it, in the same run%n", ms(during, 99) / Math.max(0.001, ms(before, 99)));
        }
    }

    /** An event overlapping the backup is "during"; one wholly before the request "before" (or "settling" early on); the rest "after". */
    private static String phase(Taken t, long fromMicros, long toMicros) {
        if (fromMicros < t.settledMicros()) return SETTLING;
        if (toMicros < t.backup().requestedMicros()) return BEFORE;
        if (fromMicros <= t.backup().answeredMicros()) return DURING;
        return AFTER;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private void restore(Path backup, Path log, String key, String webhookId, Receipts receipts, Taken t) {
        long start = System.nanoTime();
        try (ServerProcess restored = start(backup, log)) {
            out.printf("restore: a server started on the backup answers /health after %.1f s%n", (System.nanoTime() - start) / 1e9);
            List<SingleEventPacer.Sent> acceptedBefore = t.singles().stream().filter(s -> s.accepted() && s.answeredMicros() < t.backup().requestedMicros()).toList();
            List<SingleEventPacer.Sent> acceptedAfter = t.singles().stream().filter(s -> s.accepted() && s.dueMicros() > t.backup().answeredMicros()).toList();
            checkHeld(restored, key, acceptedBefore, true);
            checkHeld(restored, key, acceptedAfter, false);
            long drainStart = System.nanoTime();
            while (!nothingPending(restored, key, webhookId)) DeliveryBench.pause(Duration.ofMillis(100));
            receipts.sync();
            out.printf("restore: the restored server delivered all it held pending in %.1f s%n", (System.nanoTime() - drainStart) / 1e9);
            Set<String> pacedReceived = new HashSet<>();
            receipts.takeWithPrefix(PACED_PREFIX).forEach(r -> pacedReceived.add(r.eventId()));
            long missingSingles = acceptedBefore.stream().filter(s -> !pacedReceived.contains(pacedEventId(s.index()))).count();
            long backlogReceived = receipts.distinct() - pacedReceived.size();
            out.printf("restore: of the events acknowledged before the backup was requested, the receiver got %,d of %,d backlog events and %,d of %,d"
                            + " single events, from one server or the other (%,d requests, %,d repeats of a webhook-id, %d bad signatures)%n",
                    backlogReceived, events, acceptedBefore.size() - missingSingles, acceptedBefore.size(), receipts.requestsSinceReset(),
                    receipts.repeats(), receipts.badSignatures());
            if (backlogReceived < events || missingSingles > 0 || receipts.badSignatures() > 0) {
                throw new IllegalStateException("deliveries were lost across the backup and restore, or signatures failed: see the line above");
            }
            out.println("restore: every event acknowledged before the backup was requested reached the receiver; every signature verified");
        }
    }

    /** The last of {@code sent} (or the first, when it should not be there) looked up on the restored server. */
    private void checkHeld(ServerProcess restored, String key, List<SingleEventPacer.Sent> sent, boolean expected) {
        if (sent.isEmpty()) return;
        SingleEventPacer.Sent probe = expected ? sent.getLast() : sent.getFirst();
        int status = restored.client().get("/v1/events/" + pacedEventId(probe.index()), key).status();
        boolean held = status == 200;
        out.printf("restore: the %s event %s the backup's request is %s the backup (GET answered %d)%n", expected ? "last" : "first",
                expected ? "acknowledged before" : "posted after the answer to", held ? "in" : "not in", status);
        if (held != expected) throw new IllegalStateException("the backup does not hold what was acknowledged before its request, or holds more");
    }

    private static String pacedEventId(long index) {
        return PACED_PREFIX + index;
    }

    private boolean nothingPending(ServerProcess server, String key, String webhookId) {
        LoadClient.Reply reply = server.client().get("/v1/webhooks/" + webhookId + "/deliveries?status=pending&limit=1", key);
        return reply.status() == 200 && json.read(reply.body()).get("deliveries").isEmpty();
    }
}
