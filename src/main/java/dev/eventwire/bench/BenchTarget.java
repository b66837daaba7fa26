package dev.eventwire.bench;

import dev.eventwire.support.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers a benchmark phase talks to (one process, or replicas in turn), a tenant key and webhooks
 * on the receiver process, whose secrets the receiver is told so it verifies every signature.
 */
final class BenchTarget implements AutoCloseable {
    private final RoundRobin client;
    private final String key;
    private final List<String> webhookIds;

    private BenchTarget(RoundRobin client, String key, List<String> webhookIds) {
        this.client = client;
        this.key = key;
        this.webhookIds = webhookIds;
    }

    static BenchTarget create(List<ServerProcess> servers, int webhooks, int receiverPort, ChildProcess receiver) {
        ServerProcess first = servers.getFirst();
        String key = first.createTenantKey("bench");
        List<String> ids = new ArrayList<>();
        Json json = new Json();
        for (int i = 0; i < webhooks; i++) {
            LoadClient.Reply reply = first.client().post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + receiverPort + "/h" + i + "\"}");
            if (reply.status() != 201) throw new IllegalStateException("creating a webhook failed: " + reply);
            var node = json.read(reply.body());
            receiver.writeLine("secret " + node.get("secret").asText());
            ids.add(node.get("id").asText());
        }
        return new BenchTarget(new RoundRobin(servers.stream().map(ServerProcess::baseUrl).toList(), Duration.ofSeconds(30)), key, ids);
    }

    int webhooks() {
        return webhookIds.size();
    }

    /** Posts {@code events} events (each matching every webhook) in batches of 1000 over the servers in turn. */
    void post(String prefix, long events) {
        for (long from = 0; from < events; from += 1000) {
            StringBuilder batch = new StringBuilder("{\"events\":[");
            for (long i = from; i < Math.min(events, from + 1000); i++) {
                batch.append(i == from ? "" : ",").append("{\"event_id\":\"").append(prefix).append(i)
                        .append("\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":12.5}}");
            }
            LoadClient.Reply reply = client.post("/v1/events", key, batch.append("]}").toString());
            if (reply.status() != 200) throw new IllegalStateException("a backlog post failed: " + reply.status() + " " + reply.body());
        }
    }

    /** True once no webhook has a pending delivery, as the API says. */
    boolean allRecorded() {
        Json json = new Json();
        for (String id : webhookIds) {
            LoadClient.Reply reply = client.get("/v1/webhooks/" + id + "/deliveries?status=pending&limit=1", key);
            if (reply.status() != 200 || json.read(reply.body()).get("deliveries").size() > 0) return false;
        }
        return true;
    }

    /** Waits until no delivery is pending. */
    void awaitAllRecorded() {
        while (!allRecorded()) DeliveryBench.pause(Duration.ofMillis(50));
    }

    @Override
    public void close() {
        client.close();
    }
}
