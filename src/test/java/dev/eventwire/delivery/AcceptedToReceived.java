package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Single events posted one by one, with when each was acknowledged, and how long they took to reach a receiver. */
final class AcceptedToReceived {
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

    /** Posts events {@code <prefix>0 … <prefix><count-1>} one request each; every one must be acknowledged (202). */
    void postSingles(ApiClient client, String prefix, int count) {
        postSingles(client, prefix, count, "order.created");
    }

    /** As above, of type {@code eventType}. */
    void postSingles(ApiClient client, String prefix, int count, String eventType) {
        for (int i = 0; i < count; i++) {
            String eventId = prefix + i;
            assertThat(client.post("/v1/events", "{\"event_id\":\"" + eventId + "\",\"event_type\":\"" + eventType + "\"}").status()).isEqualTo(202);
            acknowledged.put(eventId, System.nanoTime());
        }
    }

    /** The 99th percentile, in ms, from each event's acknowledgement to its arrival in {@code received}. */
    long p99Millis(List<Receiver.Received> received) {
        List<Long> millis = new ArrayList<>();
        for (Receiver.Received r : received) millis.add((r.receivedNanos() - acknowledged.get(BacklogAndFairnessTest.eventId(r))) / 1_000_000);
        return BacklogAndFairnessTest.p99(millis);
    }
}
