package dev.eventwire.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.bench.Ledger;
import dev.eventwire.bench.LoadClient;
import dev.eventwire.bench.LocalServer;
import dev.eventwire.bench.Replicas;
import dev.eventwire.bench.RoundRobin;
import dev.eventwire.bench.SyntheticEvents;
import dev.eventwire.cli.ServerHeap;
import dev.eventwire.store.postgres.EmbeddedPostgresServer;
import dev.eventwire.support.Json;
import dev.eventwire.support.Signals;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code eventwire demo --cluster}: an embedded PostgreSQL (data in a fresh temporary folder), three
 * replica processes on it, two local receivers (order events, payment events), synthetic traffic spread
 * over the replicas in turn; halfway through one replica is killed with kill -9. The summary counts, at
 * the receivers, that every acknowledged event reached every matching webhook, explains any repeat, and
 * says how long the survivors took to deliver what the killed replica held leased.
 */
public final class ClusterDemo {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);
    private static final String DEMO_REPLICA_HEAP = "512m";
    private static final int VICTIM = 1;
    /** The exit code of a command stopped by Ctrl-C, as shells give it. */
    private static final int INTERRUPTED = 130;
    private final PrintStream out;
    private final Duration length;
    private final Json json = new Json();
    private final Random random = new Random();

    public ClusterDemo(PrintStream out, Duration length) {
        this.out = out;
        this.length = length;
    }

    /** Set by Ctrl-C or SIGTERM: the demo stops streaming and waiting, and closes what it started, in order. */
    private final java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Each replica's heap: a server's 2 GiB default, touched at start, three times over would hold 6 GB of a
     * laptop for a demo whose replicas hold little; {@code EVENTWIRE_HEAP} still says otherwise.
     */
    private static Map<String, String> replicaHeap() {
        return Map.of(ServerHeap.VARIABLE, ServerHeap.sizeOr(System.getenv(ServerHeap.VARIABLE), DEMO_REPLICA_HEAP));
    }

    public int run() {
        // Replicas first, then PostgreSQL, then the folder, as the blocks below close them: stopped by the
        // JVM's exit alone, the replicas ran on for up to 17 s with their database and folder gone, and
        // PostgreSQL wrote its statistics into a folder being deleted. A second Ctrl-C exits at once.
        Signals.onTermination(() -> {
            if (!interrupted.compareAndSet(false, true)) System.exit(130);
            out.println("Stopping the cluster demo: its replicas, PostgreSQL and its data...");
        });
        Path folder = LocalServer.freshFolder("eventwire-cluster-demo-");
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(folder.resolve("postgres"), 0)) {
            String url = postgres.createDatabase("eventwire");
            out.printf("Eventwire cluster demo: PostgreSQL on 127.0.0.1:%d (data in %s); starting replicas r1, r2, r3...%n", postgres.port(), folder);
            try (Replicas replicas = Replicas.start(url, 3, List.of("--delivery-timeout", DELIVERY_TIMEOUT.toSeconds() + "s"), folder, false, replicaHeap());
                 DeliveryTally orders = new DeliveryTally();
                 DeliveryTally payments = new DeliveryTally();
                 RoundRobin client = new RoundRobin(replicas.baseUrls(), Duration.ofSeconds(5))) {
                for (int i = 0; i < replicas.size(); i++) out.printf("  %s at %s%n", replicas.id(i), replicas.get(i).baseUrl());
                int code = interrupted.get() ? INTERRUPTED : stream(replicas, new Ledger(url), client, orders, payments);
                return interrupted.get() ? INTERRUPTED : code;
            }
        } catch (RuntimeException e) {
            // A terminal's Ctrl-C reaches the replicas too, and they stop under the demo's requests.
            if (interrupted.get()) return INTERRUPTED;
            throw e;
        } finally {
            LocalServer.deleteFolder(folder);
        }
    }

    private int stream(Replicas replicas, Ledger ledger, RoundRobin client, DeliveryTally orders, DeliveryTally payments) {
        String key = replicas.get(0).createTenantKey("demo");
        register(replicas.get(0).client(), key, orders, "order", "all order events -> receiver 1");
        register(replicas.get(0).client(), key, payments, "payment", "all payment events -> receiver 2");
        Duration lease = DELIVERY_TIMEOUT.plusSeconds(10);
        out.printf("Streaming synthetic events for %ds over the replicas in turn; kill -9 %s at %ds (delivery timeout %ds, so a lease is %ds)%n",
                length.toSeconds(), replicas.id(VICTIM), length.toSeconds() / 2, DELIVERY_TIMEOUT.toSeconds(), lease.toSeconds());

        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // event id -> event type
        long start = System.nanoTime();
        long killAt = start + length.toNanos() / 2;
        long end = start + length.toNanos();
        long nextProgress = start + 1_000_000_000L;
        Ledger.Leases orphans = null;
        CompletableFuture<Optional<Duration>> handover = CompletableFuture.completedFuture(Optional.empty());
        int counter = 0;
        while (System.nanoTime() < end && !interrupted.get()) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            Map<String, String> sent = new java.util.HashMap<>();
            for (int i = 0; i < 10; i++) {
                String id = "cd-" + (++counter);
                String event = SyntheticEvents.one(random);
                sent.put(id, json.read(event).get("event_type").asText());
                batch.append(i == 0 ? "" : ",").append(event.replaceFirst("\\{", "{\"event_id\":\"" + id + "\","));
            }
            if (client.post("/v1/events", key, batch.append("]}").toString()).status() == 200) acknowledged.putAll(sent);
            if (orphans == null && System.nanoTime() >= killAt) {
                replicas.kill(VICTIM);
                long killed = System.nanoTime();
                orphans = ledger.leasedBy(replicas.id(VICTIM));
                Ledger.Leases held = orphans;
                handover = CompletableFuture.supplyAsync(() -> ledger.awaitTakenOver(held, killed, Duration.ofSeconds(120)));
                out.printf("  kill -9 %s: it held %d deliveries leased%n", replicas.id(VICTIM), orphans.seqs().size());
            }
            if (System.nanoTime() >= nextProgress) {
                out.printf("  t=%2ds acknowledged %5d | received: orders %5d payments %5d | posts retried on another replica %d%n",
                        (System.nanoTime() - start) / 1_000_000_000L, acknowledged.size(), orders.distinct(), payments.distinct(), client.retried());
                nextProgress += 1_000_000_000L;
            }
            pause(Duration.ofMillis(50));
        }
        long expectedOrders = acknowledged.values().stream().filter(t -> t.startsWith("order")).count();
        long expectedPayments = acknowledged.values().stream().filter(t -> t.startsWith("payment")).count();
        if (interrupted.get()) return INTERRUPTED;
        out.println("Waiting until the receivers have every acknowledged event...");
        long deadline = System.nanoTime() + lease.plusSeconds(60).toNanos();
        while ((orders.distinctEvents() < expectedOrders || payments.distinctEvents() < expectedPayments) && System.nanoTime() < deadline
                && !interrupted.get()) {
            pause(Duration.ofMillis(100));
        }
        if (interrupted.get()) return INTERRUPTED;
        Optional<Duration> tookOver = handover.join();
        return summarize(acknowledged, client, orders, payments, orphans, tookOver, lease, ledger);
    }

    private int summarize(Map<String, String> acknowledged, RoundRobin client, DeliveryTally orders, DeliveryTally payments,
                          Ledger.Leases orphans, Optional<Duration> tookOver, Duration lease, Ledger ledger) {
        out.println();
        out.println("Summary");
        out.printf("  events: %d acknowledged (posts that failed on a dead replica and were sent to the next: %d)%n", acknowledged.size(), client.retried());
        long missing = 0;
        long unexplained = 0;
        for (var hook : List.of(Map.entry("orders  ", orders), Map.entry("payments", payments))) {
            DeliveryTally t = hook.getValue();
            String prefix = hook.getKey().strip().equals("orders") ? "order" : "payment";
            List<String> expected = acknowledged.entrySet().stream().filter(e -> e.getValue().startsWith(prefix)).map(Map.Entry::getKey).toList();
            long lost = expected.stream().filter(id -> !t.hasEvent(id)).count();
            long repeats = t.repeatedIds().size();
            long explained = t.repeatedIds().stream().filter(orphans == null ? id -> false : orphans.messageIds()::contains).count();
            missing += lost;
            unexplained += repeats - explained;
            out.printf("  webhook %s: %d acknowledged events matched, %d received, %d missing; %d received more than once (same webhook-id),"
                    + " %d of them leased by the killed replica%n", hook.getKey(), expected.size(), t.distinctEvents(), lost, repeats, explained);
        }
        if (orphans != null) {
            out.printf("  handover: %s held %d deliveries leased when it died; %s%n", orphans.replica(), orphans.seqs().size(),
                    tookOver.map(d -> String.format("the survivors had recorded all of them delivered %.1f s after the kill (lease %d s)",
                            d.toMillis() / 1000.0, lease.toSeconds())).orElse("they were NOT all delivered within two minutes"));
            out.println("  repeats: a delivery the killed replica had sent but not yet recorded is sent again with the same webhook-id"
                    + " once its lease lapses (at-least-once; receivers dedupe on webhook-id)");
        }
        out.printf("  recorded delivered twice in the database: %d; signatures verified: %d of %d requests%n",
                ledger.recordedDeliveredTwice(), orders.verified() + payments.verified(), orders.requests() + payments.requests());
        out.println(missing == 0 && unexplained == 0 ? "  nothing acknowledged was lost." : "  LOST OR UNEXPLAINED: " + missing + " missing, " + unexplained + " unexplained repeats");
        boolean ok = missing == 0 && unexplained == 0 && tookOver.isPresent() && orders.verified() + payments.verified() == orders.requests() + payments.requests();
        return ok ? 0 : 1;
    }

    private void register(LoadClient client, String key, DeliveryTally tally, String type, String label) {
        LoadClient.Reply reply = client.post("/v1/webhooks", key, "{\"url\":\"" + tally.receiver().url("/webhooks") + "\",\"description\":\"" + label
                + "\",\"filters\":{\"event_types\":[\"" + type + "\"]}}");
        JsonNode node = json.read(reply.body());
        if (reply.status() != 201) throw new IllegalStateException("creating a webhook failed: " + reply);
        tally.receiver().verifyWith(node.get("secret").asText());
        out.println("  webhook " + node.get("id").asText() + ": " + label);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
