package dev.eventwire.cli;

import dev.eventwire.bench.LoadClient;
import dev.eventwire.bench.LocalServer;
import dev.eventwire.demo.LocalReceiver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Before the server opens its port, runs its hot paths for a while on a throwaway server in the same JVM
 * — single events and batches, their fan-out, signed deliveries to a loopback receiver, metric reads —
 * so that the JIT has compiled them when real traffic arrives. A cold JVM hit at once with a production
 * rate answers its first seconds slowly (docs/jvm-flags.md). The throwaway server's data folder is
 * deleted afterwards; nothing of it reaches the real store.
 */
final class WarmUp {
    private static final int SENDERS = 8;

    private WarmUp() {
    }

    static void run(Duration length, PrintStream out) {
        out.println("Warming up for " + length.toSeconds() + " s on a throwaway server before serving...");
        long end = System.nanoTime() + length.toNanos();
        try (LocalReceiver sink = new LocalReceiver(() -> 200, receipt -> { });
             LocalServer server = new LocalServer(LocalServer.freshFolder("eventwire-warm-up-"), true,
                     c -> c.withEgressAllow(List.of("127.0.0.1/32")))) {
            String key = server.createTenantKey("warm-up", "warm-up");
            LoadClient client = server.client();
            for (int i = 0; i < 2; i++) {
                client.post("/v1/webhooks", key, "{\"url\":\"http://127.0.0.1:" + sink.port() + "/w" + i + "\"}");
            }
            AtomicLong sent = new AtomicLong();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        long i = sent.incrementAndGet();
                        client.post("/v1/events", key, i % 50 == 0 ? batch(i) : event(i));
                        if (i % 100 == 0) client.get("/v1/metrics/revenue?window=5m", key);
                    }
                }));
            }
            for (Thread s : senders) s.join();
            out.println("Warmed up: " + sent.get() + " requests.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String event(long i) {
        return "{\"event_id\":\"w-" + i + "\",\"event_type\":\"order.created\",\"entity_id\":\"c-" + (i % 97)
                + "\",\"data\":{\"total_amount\":" + (i % 500) + ".25,\"session_id\":\"s-" + (i % 31) + "\"}}";
    }

    private static String batch(long i) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int k = 0; k < 100; k++) {
            if (k > 0) b.append(',');
            b.append(event(i * 1000 + k));
        }
        return b.append("]}").toString();
    }
}
