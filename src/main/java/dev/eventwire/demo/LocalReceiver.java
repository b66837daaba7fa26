package dev.eventwire.demo;

import dev.eventwire.delivery.Signer;
import dev.eventwire.http.HttpServer;
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
import org.eclipse.jetty.util.Promise;

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
    private final IntSupplier status;
    private final Listener listener;
    private final Signer signer = new Signer();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong multiSigned = new AtomicLong();
    private final java.util.Set<String> secrets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * The secret that last verified a request to each path, tried first: a real endpoint checks its one
     * secret. Trying every known secret in turn, in no set order, cost a bench's receiver one to three
     * signatures a request depending on where a webhook's secret fell — not the same for the raw phase's
     * requests as for the server's deliveries it is compared with.
     */
    private final java.util.Map<String, String> secretByPath = new java.util.concurrent.ConcurrentHashMap<>();

    /** A receiver whose status policy may block (a slow receiver): each request is answered on a pool thread. */
    public LocalReceiver(IntSupplier status, Listener listener) {
        this(status, listener, false);
    }

    /**
     * A receiver whose status policy and listener never block: each request is answered on the I/O thread
     * that read it, with no hand-off to a pool thread. A benchmark's receiver shares the machine's cores
     * with the server it measures; the hand-offs (a thread woken per request) were most of its cost.
     */
    public static LocalReceiver answeringInline(IntSupplier status, Listener listener) {
        return new LocalReceiver(status, listener, true);
    }

    private LocalReceiver(IntSupplier status, Listener listener, boolean inline) {
        this.status = status;
        this.listener = listener;
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setAcceptQueueSize(HttpServer.ACCEPT_QUEUE); // many webhooks connect at once
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(inline ? new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Source.asString(request, StandardCharsets.UTF_8, new Promise<>() {
                    @Override
                    public void succeeded(String body) {
                        answer(request, body, response, callback);
                    }

                    @Override
                    public void failed(Throwable failure) {
                        callback.failed(failure);
                    }
                });
                return true;
            }
        } : new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                answer(request, Content.Source.asString(request, StandardCharsets.UTF_8), response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a local receiver", e);
        }
    }

    private void answer(Request request, String body, Response response, Callback callback) {
        long now = System.nanoTime();
        String messageId = request.getHeaders().get("webhook-id");
        String timestamp = request.getHeaders().get("webhook-timestamp");
        String signature = request.getHeaders().get("webhook-signature");
        boolean valid = messageId != null && timestamp != null && signature != null
                && verified(request.getHttpURI().getPath(), messageId, Long.parseLong(timestamp), body, signature);
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
    }

    /**
     * Whether a known secret made one of the signatures; the one that did is tried first for the path's next
     * request. After a secret rotation the header lists several signatures; one made with a known secret suffices.
     */
    private boolean verified(String path, String messageId, long timestamp, String body, String signature) {
        java.util.List<String> signatures = java.util.Arrays.asList(signature.split(" "));
        String last = secretByPath.get(path);
        if (last != null && signatures.contains(signer.sign(last, messageId, timestamp, body))) return true;
        for (String secret : secrets) {
            if (!secret.equals(last) && signatures.contains(signer.sign(secret, messageId, timestamp, body))) {
                secretByPath.put(path, secret);
                return true;
            }
        }
        return false;
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
