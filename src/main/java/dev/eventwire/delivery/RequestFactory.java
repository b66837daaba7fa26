package dev.eventwire.delivery;

import dev.eventwire.webhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the signed Standard Webhooks request of one attempt. */
public final class RequestFactory {
    private final Signer signer;
    private final String userAgent;

    public RequestFactory(Signer signer, String version) {
        this.signer = signer;
        this.userAgent = "Eventwire/" + version;
    }

    public OutgoingRequest build(Webhook webhook, String messageId, String eventType, int attempt, long timestampSeconds, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", messageId);
        headers.put("webhook-timestamp", Long.toString(timestampSeconds));
        // During a secret rotation's overlap both signatures go, space-separated, so a receiver verifies
        // with either the secret it has or the new one.
        StringBuilder signatures = new StringBuilder();
        for (String secret : webhook.signingSecrets(Instant.ofEpochSecond(timestampSeconds))) {
            if (!signatures.isEmpty()) signatures.append(' ');
            signatures.append(signer.sign(secret, messageId, timestampSeconds, bytes));
        }
        headers.put("webhook-signature", signatures.toString());
        headers.put("content-type", "application/json");
        headers.put("user-agent", userAgent);
        headers.put("eventwire-event-type", eventType);
        headers.put("eventwire-attempt", Integer.toString(attempt));
        return new OutgoingRequest(webhook.url(), headers, bytes);
    }
}
