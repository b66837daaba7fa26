package dev.eventwire.demo;

import dev.eventwire.delivery.Signer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A webhook receiver on a loopback port for the demo and the benchmarks: verifies every Standard
 * Webhooks signature, answers with the status its policy gives, and tells a listener what arrived.
 */
public final class LocalReceiver implements AutoCloseable {
    /** What arrived: event id, webhook-id, attempt number, and when (nanoTime). */
    public record Receipt(String eventId, String messageId, int attempt, long nanos, boolean signatureValid) {
    }

    /** Told about every request the receiver accepted. */
    @FunctionalInterface
    public interface Listener {
        void received(Receipt receipt);
    }

    private final Server server;
    private final Signer signer = new Signer();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong multiSigned = new AtomicLong();
    private final java.util.Set<String> secrets = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public LocalReceiver(IntSupplier status, Listener listener) {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                long now = System.nanoTime();
                String messageId = request.getHeaders().get("webhook-id");
                String timestamp = request.getHeaders().get("webhook-timestamp");
                String signature = request.getHeaders().get("webhook-signature");
                // After a secret rotation the header lists several signatures; one made with a known secret suffices.
                boolean valid = messageId != null && timestamp != null && signature != null
                        && secrets.stream().anyMatch(s -> java.util.Arrays.asList(signature.split(" "))
                                .contains(signer.sign(s, messageId, Long.parseLong(timestamp), body)));
                if (signature != null && signature.contains(" ")) multiSigned.incrementAndGet();
                if (!valid) badSignatures.incrementAndGet();
                int code = status.getAsInt();
                if (code < 200 || code >= 300) refused.incrementAndGet();
                if (code >= 200 && code < 300) {
                    String attempt = request.getHeaders().get("eventwire-attempt");
                    listener.received(new Receipt(eventId(body), messageId, attempt == null ? 0 : Integer.parseInt(attempt), now, valid));
                }
                response.setStatus(code);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                callback.succeeded();
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a local receiver", e);
        }
    }

    /** A secret to verify with (a signature made with any of them is valid); added once the webhook exists. */
    public void verifyWith(String webhookSecret) {
        secrets.add(webhookSecret);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Requests answered with a non-2xx status. */
    public long refused() {
        return refused.get();
    }

    /** Requests signed with more than one secret (during a rotation's overlap). */
    public long multiSigned() {
        return multiSigned.get();
    }

    public long badSignatures() {
        return badSignatures.get();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    static String eventId(String body) {
        int start = body.indexOf("\"event_id\":\"") + 12;
        return body.substring(start, body.indexOf('"', start));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping a loopback receiver: nothing to recover
        }
    }
}
