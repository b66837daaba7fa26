package dev.eventwire.bench;

import dev.eventwire.support.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code bench ordering}, from outside (server and receiver in processes of their own): the same backlog
 * — events spread over many entities, posted while the receiver is frozen — drained once by an unordered
 * webhook and once by an entity-ordered one; prints deliveries/s at the receiver for each and the ratio.
 */
public final class OrderingBench {
    private final PrintStream out;
    private final int events;
    private final int entities;
    private final Json json = new Json();

    public OrderingBench(PrintStream out, int events, int entities) {
        this.out = out;
        this.events = events;
        this.entities = entities;
    }

    public void run() {
        Path data = LocalServer.freshFolder("eventwire-bench-ordering-");
        Receipts receipts = new Receipts();
        try (ChildProcess receiver = ChildProcess.start(List.of("receive"), Map.of(), data.resolve("receiver.log"), receipts::line)) {
            int receiverPort = receipts.awaitPort();
            int port = ChildProcess.freePort();
            try (ServerProcess server = ServerProcess.start(data.resolve("db"), port, data.resolve("server.log"), List.of())) {
                String key = server.createTenantKey("bench");
                out.printf("bench ordering: %,d events over %,d entities per phase, receiver and server in their own processes, %d cores%n",
                        events, entities, Runtime.getRuntime().availableProcessors());
                // A first drain warms the server up (JIT, pools), so the compared phases run alike; its figure is not compared.
                drain(server, key, receiver, receipts, receiverPort, "none", "warmup", Math.min(events, 20_000));
                double unordered = drain(server, key, receiver, receipts, receiverPort, "none", "none", events);
                double ordered = drain(server, key, receiver, receipts, receiverPort, "entity", "entity", events);
                out.printf("entity-ordered = %.0f%% of unordered (goal: at least 80%%)%n", 100 * ordered / unordered);
            }
        } finally {
            LocalServer.deleteFolder(data);
        }
    }

    private double drain(ServerProcess server, String key, ChildProcess receiver, Receipts receipts, int receiverPort, String ordering, String phase,
                         int events) {
        String type = "phase_" + phase;
        LoadClient.Reply created = server.client().post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + receiverPort + "/" + ordering
                + "\",\"ordering\":\"" + ordering + "\",\"filters\":{\"event_types\":[\"" + type + "\"]}}");
        receiver.writeLine("secret " + json.read(created.body()).get("secret").asText());
        receipts.reset();
        receiver.signal("STOP");
        for (int from = 0; from < events; from += 1000) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (int i = from; i < Math.min(events, from + 1000); i++) {
                batch.append(i == from ? "" : ",").append("{\"event_id\":\"").append(type).append('-').append(i).append("\",\"event_type\":\"")
                        .append(type).append(".x\",\"entity_id\":\"e-").append(i % entities).append("\"}");
            }
            LoadClient.Reply reply = server.client().post("/v1/events", key, batch.append("]}").toString());
            if (reply.status() != 200) throw new IllegalStateException("posting failed: " + reply.status() + " " + reply.body());
        }
        long start = System.nanoTime();
        receiver.signal("CONT");
        receipts.awaitDistinct(events, start);
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = events / seconds;
        out.printf("%-16s %9.0f deliveries/s at the receiver (%,d received in %.1fs)%n", phase.equals("warmup") ? "warm-up" : "ordering " + ordering,
                rate, events, seconds);
        return rate;
    }
}
