package dev.eventwire.delivery;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends webhook requests with Jetty's non-blocking client: thousands can be in flight on a few threads.
 * Each webhook gets its own connection pool (a Jetty destination tagged with the webhook id), so webhooks
 * that share a host and port never wait for each other's connections; idle pools are dropped.
 * Before each attempt the egress guard resolves the host once; Jetty opens connections only to the
 * addresses that check approved (its resolver reads them back instead of asking DNS again). Redirects
 * are not followed; at most 1 KiB of each response is kept.
 */
public final class HttpSender implements AutoCloseable {
    static final int MAX_RESPONSE_BYTES = 1024;

    private final HttpClient client;
    private final EgressGuard guard;
    private final Duration timeout;
    /** host -> addresses approved by the latest check of that host. */
    private final Map<String, List<java.net.InetAddress>> approved = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService lookups = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    public HttpSender(EgressGuard guard, ReceiverTrust trust, Duration connectTimeout, Duration timeout, int maxConnectionsPerEndpoint) {
        this.guard = guard;
        this.timeout = timeout;
        this.client = new HttpClient();
        trust.store().ifPresent(store -> {
            // Hostname checks stay on (the client's default): trusting an authority is not trusting any name it signs for.
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setTrustStore(store);
            client.setSslContextFactory(tls);
        });
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("eventwire-sender");
        threads.setThreadsPriority(Thread.MIN_PRIORITY); // as the attempts themselves: API requests first
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(60_000);
        client.setDestinationIdleTimeout(300_000);
        client.setMaxConnectionsPerDestination(maxConnectionsPerEndpoint);
        client.setMaxRequestsQueuedPerDestination(100_000);
        client.setUserAgentField(null);
        // No cookie jar: webhooks of different tenants share hosts, and a cookie one receiver sets must never
        // reach another's.
        client.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
        // What runs as an answer arrives never blocks: the listener keeps at most a KiB and completes a future
        // whose follow-up runs on the engine's own threads. So the client may read and parse an answer on the
        // thread that saw it arrive instead of handing each one to a pool thread to wake (docs/delivery-engine.md).
        client.getTransport().setInvocationType(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
        client.setSocketAddressResolver(new PinnedResolver());
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
        // Starting installs these; removed after. No compressed answers: only the first KiB is kept, as text.
        // No redirect, authentication or upgrade handling: an attempt takes the receiver's answer as it is
        // (the handlers of interim 1xx answers stay). Each also costs work on every request or response.
        client.getContentDecoderFactories().clear();
        for (String handler : List.of(org.eclipse.jetty.client.RedirectProtocolHandler.NAME, org.eclipse.jetty.client.WWWAuthenticationProtocolHandler.NAME,
                org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler.NAME, "upgrade")) {
            client.getProtocolHandlers().remove(handler);
        }
    }

    /** Hands Jetty the addresses the guard approved for this host; never consults DNS itself. */
    private final class PinnedResolver implements SocketAddressResolver {
        @Override
        public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
            List<java.net.InetAddress> addresses = approved.get(EgressGuard.hostKey(host));
            if (addresses == null) {
                promise.failed(new EgressDeniedException("no approved address for " + host));
                return;
            }
            promise.succeeded(addresses.stream().map(a -> new InetSocketAddress(a, port)).toList());
        }
    }

    static final class EgressDeniedException extends RuntimeException {
        EgressDeniedException(String message) {
            super(message, null, false, false);
        }
    }

    /** An attempt's duration so far, from {@code System.nanoTime()} at its start. */
    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Sends over the shared pool of the request's host (one-off sends such as tests). */
    /** Set as {@link #close} begins: an attempt that ends without an answer after it was cut off by the stop. */
    private volatile boolean stopping;

    public CompletableFuture<AttemptResult> send(OutgoingRequest request) {
        return send(request, null);
    }

    /** Sends over the connection pool of {@code poolKey} (a webhook id), separate from every other webhook's. */
    public CompletableFuture<AttemptResult> send(OutgoingRequest request, String poolKey) {
        long start = System.nanoTime();
        // Characters beyond ASCII in the path or query go out percent-encoded as UTF-8, as browsers send
        // them; the HTTP client would write them as Latin-1, and '?' for the rest.
        URI parsed = URI.create(request.url());
        String ascii = parsed.toASCIIString();
        URI uri = ascii.equals(request.url()) ? parsed : URI.create(ascii);
        String host = uri.getHost();
        // A DNS answer can take seconds: it is awaited on a virtual thread, never on the caller's (the
        // delivery engine's few platform threads, which every other webhook's attempts share).
        if (EgressGuard.needsLookup(host)) {
            return CompletableFuture.supplyAsync(() -> guard.check(host), lookups).thenCompose(verdict -> sendChecked(uri, request, poolKey, start, verdict));
        }
        return sendChecked(uri, request, poolKey, start, guard.check(host));
    }

    private CompletableFuture<AttemptResult> sendChecked(URI uri, OutgoingRequest request, String poolKey, long start, EgressGuard.Verdict verdict) {
        String host = uri.getHost();
        if (verdict instanceof EgressGuard.Verdict.Denied denied) {
            // Its duration counts the lookup (seconds, for a name that does not resolve): the next attempt waits from its end.
            return CompletableFuture.completedFuture(new AttemptResult.Failed(Optional.empty(), denied.reason(), "", millisSince(start)));
        }
        approved.put(EgressGuard.hostKey(host), ((EgressGuard.Verdict.Allowed) verdict).addresses());

        CompletableFuture<AttemptResult> future = new CompletableFuture<>();
        Runnable again = () -> newRequest(uri, request, poolKey).send(new CappedListener(start, future, null, () -> stopping));
        newRequest(uri, request, poolKey).send(new CappedListener(start, future, again, () -> stopping));
        return future;
    }

    private org.eclipse.jetty.client.Request newRequest(URI uri, OutgoingRequest request, String poolKey) {
        return client.newRequest(uri)
                .method(HttpMethod.POST)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", request.body()))
                .headers(h -> request.headers().forEach(h::put))
                .tag(poolKey);
    }

    /**
     * A pooled connection the receiver closed as the request went out (an idle keep-alive connection it
     * dropped) ends in an end-of-file before any response. That says nothing about the receiver, so the
     * request goes once more at once, on another connection, instead of waiting for a scheduled retry. A
     * connection opened for this very request and closed without an answer is the receiver's doing: that
     * attempt fails like any other, or a receiver that drops every connection would get each attempt twice.
     */
    static boolean closedBeforeAnswering(Throwable failure, long millis, org.eclipse.jetty.client.Request request) {
        if (failure == null || millis > STALE_CONNECTION_WINDOW.toMillis() || !wentOnAReusedConnection(request)) return false;
        return AttemptErrors.causedBy(failure, java.io.EOFException.class) || AttemptErrors.causedBy(failure, java.nio.channels.ClosedChannelException.class);
    }

    /** Whether the connection had carried a request before this one (it counts the requests sent on it, this one too). */
    private static boolean wentOnAReusedConnection(org.eclipse.jetty.client.Request request) {
        return request != null && request.getConnection() instanceof org.eclipse.jetty.io.Connection connection && connection.getMessagesOut() > 1;
    }

    /** Ends reading an answer once its first KiB is kept (the connection is closed, not reused). */
    private static final Exception REST_NOT_READ = new Exception("the rest of the answer is not read", null, false, false) {
    };

    /** An end-of-file later than this after sending is the receiver's doing, not a stale connection's. */
    static final Duration STALE_CONNECTION_WINDOW = Duration.ofSeconds(1);

    /** Keeps the first KiB of the body and discards the rest, so a huge response costs no memory. */
    private static final class CappedListener implements Response.Listener {
        private final long start;
        private final CompletableFuture<AttemptResult> future;
        private final Runnable sendAgain;
        /** The answer's first KiB; made when content arrives (most receivers answer without a body). */
        private ByteBuffer kept;
        /**
         * The status of the response line the receiver sent, 0 until one arrived. Jetty gives a response it
         * could not parse a status of its own (505 for a line that is not HTTP, 400 for a bad one), which the
         * receiver never sent.
         */
        private volatile int answered;

        private final java.util.function.BooleanSupplier stopping;

        /** {@code sendAgain}: how to resend once after a stale connection; null on the second try. */
        CappedListener(long start, CompletableFuture<AttemptResult> future, Runnable sendAgain, java.util.function.BooleanSupplier stopping) {
            this.start = start;
            this.future = future;
            this.sendAgain = sendAgain;
            this.stopping = stopping;
        }

        @Override
        public void onBegin(Response response) {
            answered = response.getStatus();
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (kept == null) kept = ByteBuffer.allocate(MAX_RESPONSE_BYTES);
            if (kept.hasRemaining()) {
                ByteBuffer slice = content.slice();
                if (slice.remaining() > kept.remaining()) slice.limit(kept.remaining());
                kept.put(slice);
            }
            // The status and the first KiB are all an attempt keeps: the rest is not waited for. A receiver
            // answering 200 with a body that never ends held its slot until the delivery timeout.
            if (!kept.hasRemaining()) response.abort(REST_NOT_READ);
        }

        @Override
        public void onComplete(Result result) {
            long millis = millisSince(start);
            String body = kept == null ? "" : new String(kept.array(), 0, kept.position(), StandardCharsets.UTF_8);
            Response response = result.getResponse();
            int status = answered;
            // A status line means the receiver answered; a failure while reading the rest of the body
            // does not change what it answered.
            if (status > 0) future.complete(classify(status, response, body, millis));
            else if (stopping.getAsBoolean()) future.completeExceptionally(new CutOffByStopException());
            else if (sendAgain != null && closedBeforeAnswering(result.getFailure(), millis, result.getRequest())) sendAgain.run();
            else future.complete(new AttemptResult.Failed(Optional.empty(), AttemptErrors.describe(result.getFailure()), body, millis));
        }
    }

    static AttemptResult classify(int status, Response response, String body, long millis) {
        if (status >= 200 && status < 300) return new AttemptResult.Delivered(status, body, millis);
        if (status == 410) return new AttemptResult.Gone(status, body, millis);
        if (status == 429 || status == 503) {
            Optional<Duration> retryAfter = parseRetryAfter(response.getHeaders().get("Retry-After"));
            if (retryAfter.isPresent()) return new AttemptResult.Throttled(status, body, retryAfter.get(), millis);
        }
        String error = status >= 300 && status < 400 ? "redirect " + status + " not followed" : "HTTP " + status;
        return new AttemptResult.Failed(Optional.of(status), error, body, millis);
    }

    static Optional<Duration> parseRetryAfter(String value) {
        return parseRetryAfter(value, java.time.Instant.now());
    }

    /** A Retry-After's seconds, or the time from {@code now} until its HTTP date; empty when it is neither. */
    static Optional<Duration> parseRetryAfter(String value, java.time.Instant now) {
        if (value == null || value.isBlank()) return Optional.empty();
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            // Digits only, yet more seconds than a long holds: a request to wait as long as possible (the schedule's cap applies).
            if (v.chars().allMatch(c -> c >= '0' && c <= '9')) return Optional.of(Duration.ofSeconds(Long.MAX_VALUE));
            try {
                // The weekday is left out: a wrong one (a date typed by hand, or computed for the wrong year)
                // made the whole date unreadable, and the receiver's request to wait was ignored.
                int comma = v.indexOf(',');
                ZonedDateTime at = ZonedDateTime.parse(v.substring(comma + 1).strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(now, at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (java.time.format.DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    /**
     * An attempt this process cut off because it is stopping. Nothing is known of the receiver: the
     * attempt is not recorded (it was not the receiver closing the connection), and the delivery is sent
     * again after the restart.
     */
    public static final class CutOffByStopException extends RuntimeException {
        CutOffByStopException() {
            super("cut off: this process is stopping", null, false, false);
        }
    }

    @Override
    public void close() {
        stopping = true;
        lookups.shutdownNow();
        try {
            client.stop();
        } catch (Exception ignored) {
            // stopping: nothing more to do
        }
    }
}
