package dev.eventwire.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * A small blocking JSON client for the benchmarks and the demo, talking to a server on loopback. It uses
 * Jetty's client (lighter on CPU than the JDK's), because on a 2-core machine every cycle the load
 * generator spends is taken from the server it measures.
 */
public final class LoadClient implements AutoCloseable {
    /** How long an idle connection is kept; less than the server's idle timeout, as a client should. */
    private static final long IDLE_TIMEOUT_MILLIS = 20_000;
    private final HttpClient http = new HttpClient();
    private final String baseUrl;
    private final long timeoutMillis;

    public LoadClient(String baseUrl) {
        this(baseUrl, java.time.Duration.ofSeconds(30));
    }

    /** {@code timeout}: for a whole request; a request that takes longer answers status -1. */
    public LoadClient(String baseUrl, java.time.Duration timeout) {
        this.baseUrl = baseUrl;
        this.timeoutMillis = timeout.toMillis();
        http.setMaxConnectionsPerDestination(256);
        // Under the server's 30 s: a pool that keeps an idle connection as long as the server does may send
        // on it just as the server closes it, and that request gets no answer (4 in a 10-minute soak).
        http.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        http.setMaxRequestsQueuedPerDestination(100_000);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the load client", e);
        }
    }

    /** {@code headers}: response header names in lower case. */
    public record Reply(int status, String body, Map<String, String> headers) {
        Reply(int status, String body) {
            this(status, body, Map.of());
        }
    }

    public Reply post(String path, String key, String body) {
        return send(postRequest(path, key, body));
    }

    /** As {@link #post}, on a connection of its own that is closed after the answer: what a client without a pool sends. */
    public Reply postOnNewConnection(String path, String key, String body) {
        return send(postRequest(path, key, body).headers(h -> h.put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close")));
    }

    private Request postRequest(String path, String key, String body) {
        return http.newRequest(baseUrl + path).method(HttpMethod.POST)
                .headers(h -> h.put("Authorization", "Bearer " + key))
                .body(new StringRequestContent("application/json", body, StandardCharsets.UTF_8));
    }

    public Reply get(String path, String key) {
        return send(http.newRequest(baseUrl + path).headers(h -> h.put("Authorization", "Bearer " + key)));
    }

    private Reply send(Request request) {
        try {
            ContentResponse r = request.timeout(timeoutMillis, TimeUnit.MILLISECONDS).send();
            Map<String, String> headers = new HashMap<>();
            r.getHeaders().forEach(f -> headers.put(f.getName().toLowerCase(Locale.ROOT), f.getValue()));
            return new Reply(r.getStatus(), r.getContentAsString(), headers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, "interrupted");
        } catch (Exception e) {
            return new Reply(-1, e.toString());
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception ignored) {
            // closing a loopback client
        }
    }
}
