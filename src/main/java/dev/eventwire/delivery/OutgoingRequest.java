package dev.eventwire.delivery;

import java.util.Map;

/**
 * One signed webhook request, ready to send. The body is held as the UTF-8 bytes that were signed and go
 * on the wire, encoded once per attempt.
 */
public record OutgoingRequest(String url, Map<String, String> headers, byte[] body) {
    public OutgoingRequest {
        headers = Map.copyOf(headers);
    }
}
