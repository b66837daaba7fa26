package dev.eventwire.delivery;

import java.util.Map;

/** One signed webhook request, ready to send. */
public record OutgoingRequest(String url, Map<String, String> headers, String body) {
    public OutgoingRequest {
        headers = Map.copyOf(headers);
    }
}
