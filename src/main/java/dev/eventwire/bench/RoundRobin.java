package dev.eventwire.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests spread over replicas in turn, sent as a client behind a load balancer would: a request that got
 * no answer in time or a 5xx goes to the next replica, until one answers or a minute has passed (a
 * database restart makes every replica answer 503 for a few seconds).
 */
public final class RoundRobin implements AutoCloseable {
    private static final Duration GIVE_UP = Duration.ofSeconds(60);
    private final List<LoadClient> clients;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong retried = new AtomicLong();

    /** {@code requestTimeout}: how long one replica gets to answer before the request goes to the next (a frozen one never answers). */
    public RoundRobin(List<String> baseUrls, Duration requestTimeout) {
        this.clients = baseUrls.stream().map(url -> new LoadClient(url, requestTimeout)).toList();
    }

    public LoadClient.Reply post(String path, String key, String body) {
        return send(c -> c.post(path, key, body));
    }

    public LoadClient.Reply get(String path, String key) {
        return send(c -> c.get(path, key));
    }

    private LoadClient.Reply send(java.util.function.Function<LoadClient, LoadClient.Reply> request) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        int failedInARow = 0;
        while (true) {
            LoadClient.Reply reply = request.apply(clients.get(Math.floorMod(next.getAndIncrement(), clients.size())));
            if (reply.status() > 0 && reply.status() < 500) return reply;
            retried.incrementAndGet();
            if (System.nanoTime() > deadline) return reply;
            if (++failedInARow % clients.size() == 0) DeliveryBench.pause(Duration.ofMillis(100)); // none answered: wait a moment
        }
    }

    /** Requests sent again to another replica because one failed. */
    public long retried() {
        return retried.get();
    }

    @Override
    public void close() {
        clients.forEach(LoadClient::close);
    }
}
