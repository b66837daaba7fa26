package dev.eventwire.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.bench.LoadClient;
import dev.eventwire.bench.LocalServer;
import dev.eventwire.bench.SyntheticEvents;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code eventwire demo}: a server on a free port with a fresh data folder, three local receivers (one
 * healthy, one that answers 503 for its first 10 seconds, one behind a rate limit), three webhooks, a
 * secret rotation halfway, and a stream of
 * synthetic e-commerce events with a few duplicates and invalid ones. Prints a live progress line and
 * a summary.
 */
public final class Demo {
    private final PrintStream out;
    private final Duration length;
    private final boolean keepRunning;
    private final Random random = new Random();

    public Demo(PrintStream out, Duration length, boolean keepRunning) {
        this.out = out;
        this.length = length;
        this.keepRunning = keepRunning;
    }

    /** Counts for one webhook, from its receiver's point of view. */
    private static final class Tally {
        final Map<String, Integer> firstAttemptByEvent = new ConcurrentHashMap<>();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong verified = new AtomicLong();
        final java.util.concurrent.atomic.AtomicLongArray span = new java.util.concurrent.atomic.AtomicLongArray(new long[] {Long.MAX_VALUE, Long.MIN_VALUE});

        void add(LocalReceiver.Receipt r) {
            requests.incrementAndGet();
            if (r.signatureValid()) verified.incrementAndGet();
            firstAttemptByEvent.merge(r.eventId(), r.attempt(), Math::min);
            span.accumulateAndGet(0, r.nanos(), Math::min);
            span.accumulateAndGet(1, r.nanos(), Math::max);
        }

        /** Requests per second between the first and the last one received. */
        double pace() {
            long n = requests.get();
            double seconds = (span.get(1) - span.get(0)) / 1e9;
            return n < 2 || seconds <= 0 ? 0 : (n - 1) / seconds;
        }

        long firstTime() {
            return firstAttemptByEvent.values().stream().filter(a -> a == 1).count();
        }

        long afterRetries() {
            return firstAttemptByEvent.values().stream().filter(a -> a > 1).count();
        }
    }

    public int run() {
        Tally orders = new Tally();
        Tally payments = new Tally();
        Tally audit = new Tally();
        // Refuses from the start of the traffic for 10 s (not from the start of the command: a slow start
        // would eat into the window, and on a busy machine the demo then showed no retries at all).
        java.util.concurrent.atomic.AtomicLong flakyUntil = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        try (LocalReceiver healthy = new LocalReceiver(() -> 200, orders::add);
             LocalReceiver flaky = new LocalReceiver(() -> System.nanoTime() - flakyUntil.get() < 0 ? 503 : 200, payments::add);
             LocalReceiver auditor = new LocalReceiver(() -> 200, audit::add);
             LocalServer server = new LocalServer(LocalServer.freshFolder("eventwire-demo-"), true,
                     c -> c.withEgressAllow(List.of("127.0.0.1/32")).withRetrySchedule(List.of(Duration.ofSeconds(2), Duration.ofSeconds(4),
                             Duration.ofSeconds(8), Duration.ofSeconds(15))))) {
            out.println("Eventwire demo: server at " + server.baseUrl() + ", data in " + server.dataDir());
            String key = server.createTenantKey("demo", "demo");
            LoadClient client = server.client();
            String ordersHook = register(server, key, healthy, "{\"event_types\":[\"order\"]}", "all order events -> healthy receiver");
            String paymentsHook = register(server, key, flaky, "{\"event_types\":[\"payment\"],\"min_amount\":100}",
                    "payments of 100 or more -> flaky receiver (503 for its first 10 s)");
            register(server, key, auditor, "{}", "every event -> audit receiver, rate_limit " + AUDIT_RATE + " deliveries/s",
                    ",\"rate_limit\":" + AUDIT_RATE);
            boolean rotated = false;
            double rotatedAt = 0;
            out.printf("Streaming synthetic events for %ds...%n", length.toSeconds());

            Stream stream = new Stream(server, key);
            long start = System.nanoTime();
            flakyUntil.set(start + Duration.ofSeconds(10).toNanos());
            long end = start + length.toNanos();
            long nextProgress = start + 1_000_000_000L;
            long lastProgress = start;
            while (System.nanoTime() < end) {
                stream.tick();
                if (!rotated && System.nanoTime() >= start + length.toNanos() / 2) {
                    rotate(server, key, ordersHook, healthy);
                    rotated = true;
                    rotatedAt = (System.nanoTime() - start) / 1e9;
                }
                if (System.nanoTime() >= nextProgress) {
                    progress(stream, orders, payments, flaky, server, key, start);
                    lastProgress = System.nanoTime();
                    nextProgress += 1_000_000_000L;
                }
                pause(Duration.ofMillis(50));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // The last line shows the final counts, once (not a second line for the same second).
            if (System.nanoTime() - lastProgress > 500_000_000L) progress(stream, orders, payments, flaky, server, key, start);
            out.println();
            out.println("Waiting for retries to finish...");
            drain(server, key, List.of(ordersHook, paymentsHook), Duration.ofSeconds(40));
            // Counted here, not after the summaries below (it goes on delivering meanwhile). The rest is what the receiver
            // has not had yet: the store's pending count would also hold the requests on their way, counted twice.
            long auditDelivered = audit.requests.get();
            long auditWaiting = stream.accepted.get() - auditDelivered;

            out.println();
            out.println("Summary");
            out.printf("  events: %d accepted, %d duplicates, %d rejected, %.0f events/s accepted over %.1fs%n",
                    stream.accepted.get(), stream.duplicates.get(), stream.rejected.get(), stream.accepted.get() / seconds, seconds);
            summarize(server, key, "orders  ", ordersHook, orders, healthy);
            summarize(server, key, "payments", paymentsHook, payments, flaky);
            out.printf("  webhook audit   : %d delivered at %.1f/s measured at the receiver (rate_limit %d/s), %d still to come: %s%n",
                    auditDelivered, audit.pace(), AUDIT_RATE, auditWaiting,
                    keepRunning ? "they keep leaving at that pace" : "they would keep leaving at that pace (--keep-running shows it)");
            if (rotated) {
                out.printf("  secret rotation : the orders webhook's secret was rotated at %.0fs with the old one valid 1h more; %d deliveries since"
                        + " carried both signatures, each verified%n", rotatedAt, healthy.multiSigned());
            }
            long requests = orders.requests.get() + payments.requests.get() + audit.requests.get();
            long verified = orders.verified.get() + payments.verified.get() + audit.verified.get();
            out.printf("  signatures: %d of %d received deliveries verified (Standard Webhooks, HMAC-SHA256)%n", verified, requests);
            out.println("  metrics (5m): " + metrics(server, key));

            if (keepRunning) {
                printExplore(server, key, ordersHook);
                awaitInterrupt();
            } else {
                out.println();
                out.println("To look around in the web console, run ./eventwire demo --keep-running: the server stays up and");
                out.println("it prints the console's address (http://127.0.0.1:<port>/console) and a key to sign in with.");
            }
            return verified == requests ? 0 : 1;
        }
    }

    /** Deliveries per second the audit webhook may receive: it shows a backlog leaving at a set pace. */
    static final int AUDIT_RATE = 20;

    private String register(LocalServer server, String key, LocalReceiver receiver, String filters, String label) {
        return register(server, key, receiver, filters, label, "");
    }

    private String register(LocalServer server, String key, LocalReceiver receiver, String filters, String label, String extraFields) {
        LoadClient.Reply reply = server.client().post("/v1/webhooks", key,
                "{\"url\":\"" + receiver.url("/webhooks") + "\",\"description\":\"" + label + "\",\"filters\":" + filters + extraFields + "}");
        JsonNode node = server.parse(reply.body());
        receiver.verifyWith(node.get("secret").asText());
        out.println("  webhook " + node.get("id").asText() + ": " + label);
        return node.get("id").asText();
    }

    /** Rotates a webhook's secret with an hour of overlap; the receiver learns the new secret as its owner would. */
    private void rotate(LocalServer server, String key, String hook, LocalReceiver receiver) {
        LoadClient.Reply reply = server.client().post("/v1/webhooks/" + hook + "/secret/rotate", key, "{\"previous_valid_for\":\"1h\"}");
        if (reply.status() != 200) throw new IllegalStateException("rotating the secret failed: " + reply);
        receiver.verifyWith(server.parse(reply.body()).get("secret").asText());
        out.println("  rotated the signing secret of webhook " + hook + " (the previous one signs too for 1h)");
    }

    /** The synthetic traffic: batches plus single events, a few duplicates and invalid ones. */
    private final class Stream {
        final LocalServer server;
        final LoadClient client;
        final String key;
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final List<String> sentIds = new ArrayList<>();
        long counter;

        Stream(LocalServer server, String key) {
            this.server = server;
            this.client = server.client();
            this.key = key;
        }

        void tick() {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            int size = 10 + random.nextInt(20);
            for (int i = 0; i < size; i++) {
                if (i > 0) batch.append(',');
                batch.append(nextEvent());
            }
            count(client.post("/v1/events", key, batch.append("]}").toString()));
            count(client.post("/v1/events", key, nextEvent()));
        }

        private String nextEvent() {
            int roll = random.nextInt(100);
            if (roll < 2 && !sentIds.isEmpty()) {
                String id = sentIds.get(random.nextInt(sentIds.size()));
                return "{\"event_id\":\"" + id + "\",\"event_type\":\"page.viewed\"}";
            }
            if (roll < 3) return "{\"event_type\":\"Order Created\",\"data\":{}}";
            if (roll < 4) return "{\"event_type\":\"order.created\",\"amount\":12}";
            String id = "demo-" + (++counter);
            if (sentIds.size() < 5000) sentIds.add(id);
            return SyntheticEvents.one(random).replaceFirst("\\{", "{\"event_id\":\"" + id + "\",");
        }

        private void count(LoadClient.Reply reply) {
            if (reply.status() == 202) accepted.incrementAndGet();
            else if (reply.status() == 422 || reply.status() == 400) rejected.incrementAndGet();
            else if (reply.status() == 200) {
                JsonNode node = server.parse(reply.body());
                if (node.has("status")) duplicates.incrementAndGet();
                else {
                    accepted.addAndGet(node.get("accepted").asLong());
                    duplicates.addAndGet(node.get("duplicates").asLong());
                    rejected.addAndGet(node.get("rejected").asLong());
                }
            }
        }
    }

    private void progress(Stream s, Tally orders, Tally payments, LocalReceiver flaky, LocalServer server, String key, long start) {
        long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
        String line = String.format("  t=%2ds ingest %5d ok %3d dup %3d bad | orders %5d sent | payments %4d first try %4d after retry %4d refused (503) | 5m: %s",
                elapsed, s.accepted.get(), s.duplicates.get(), s.rejected.get(),
                orders.firstAttemptByEvent.size(), payments.firstTime(), payments.afterRetries(), flaky.refused(), metrics(server, key));
        if (System.console() != null) out.print("\r" + line);
        else out.println(line);
    }

    /** The headline metrics over the last 5 minutes, read through the API like any client. */
    private static String metrics(LocalServer server, String key) {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("revenue", "order_count", "error_rate", "conversion_rate")) {
            JsonNode value = server.parse(server.client().get("/v1/metrics/" + name + "?window=5m", key).body()).get("value");
            String shown = value == null || value.isNull() ? "-" : name.endsWith("_rate")
                    ? String.format("%.1f%%", value.decimalValue().doubleValue() * 100) : value.asText();
            b.append(name).append(' ').append(shown).append("  ");
        }
        return b.toString().strip();
    }

    private void drain(LocalServer server, String key, List<String> hooks, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (String hook : hooks) {
            while (System.nanoTime() < deadline
                    && server.parse(server.client().get("/v1/webhooks/" + hook + "/deliveries?status=pending&limit=1", key).body()).get("deliveries").size() > 0) {
                pause(Duration.ofMillis(200));
            }
        }
    }

    private void summarize(LocalServer server, String key, String label, String hook, Tally tally, LocalReceiver receiver) {
        long dead = count(server, key, hook, "dead");
        long pending = count(server, key, hook, "pending");
        long refused = receiver.refused();
        // Every request the receiver answered: the refused ones are the attempts that made the retries.
        out.printf("  webhook %s: %d delivered first time, %d delivered after retries, %d dead, %d still pending (%d HTTP requests%s)%n",
                label, tally.firstTime(), tally.afterRetries(), dead, pending, tally.requests.get() + refused,
                refused == 0 ? "" : ", " + refused + " of them refused with 503");
    }

    private static long count(LocalServer server, String key, String hook, String status) {
        long n = 0;
        String cursor = null;
        do {
            JsonNode page = server.parse(server.client().get("/v1/webhooks/" + hook + "/deliveries?status=" + status + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor), key).body());
            n += page.get("deliveries").size();
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return n;
    }

    private void printExplore(LocalServer server, String key, String hook) {
        String base = server.baseUrl();
        out.println();
        out.println("Explore it with curl:");
        out.println("  export EW=" + base + " KEY=" + key);
        out.println("  curl -s \"$EW/v1/events?limit=5\" -H \"Authorization: Bearer $KEY\"");
        out.println("  curl -s $EW/v1/rejected-events -H \"Authorization: Bearer $KEY\"");
        out.println("  curl -s $EW/v1/webhooks -H \"Authorization: Bearer $KEY\"");
        out.println("  curl -s \"$EW/v1/webhooks/" + hook + "/deliveries?limit=5\" -H \"Authorization: Bearer $KEY\"");
        out.println("  curl -s $EW/v1/webhooks/" + hook + "/logs -H \"Authorization: Bearer $KEY\"");
        out.println("  curl -s -XPOST $EW/v1/events -H \"Authorization: Bearer $KEY\" -H 'content-type: application/json' -d '{\"event_type\":\"order.created\",\"data\":{\"total_amount\":42}}'");
        out.println("  admin key: " + server.adminKey() + "  (curl -s $EW/v1/admin/keys -H \"Authorization: Bearer <admin key>\")");
        out.println();
        out.println("Or open the web console: " + base + "/console and sign in with the key " + key);
        out.println("The server keeps running until Ctrl-C.");
    }

    /** Until Ctrl-C or SIGTERM; then returns, so the server stops cleanly and the demo's folder goes. */
    private void awaitInterrupt() {
        CountDownLatch stop = new CountDownLatch(1);
        dev.eventwire.support.Signals.onTermination(stop::countDown);
        try {
            stop.await();
            out.println("Stopping the demo server and removing its data...");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
