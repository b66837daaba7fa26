package dev.eventwire.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench bodies}: many large request bodies at once against a server process with a capped heap.
 * Each of {@code clients} tenants posts one batch of 1000 events just under the 5 MiB limit, all at the
 * same moment; prints how they were answered, the server's peak resident memory, and whether it stayed
 * healthy. Without a budget for bodies being parsed, 128 such requests took the heap past 3 GiB.
 */
public final class BodiesBench {
    private final PrintStream out;
    private final int clients;
    private final int heapMiB;

    public BodiesBench(PrintStream out, int clients, int heapMiB) {
        this.out = out;
        this.clients = clients;
        this.heapMiB = heapMiB;
    }

    public void run() {
        Path data = LocalServer.freshFolder("eventwire-bodies-");
        try (ServerProcess server = ServerProcess.start(data.resolve("db"), ChildProcess.freePort(), data.resolve("server.log"),
                List.of("-Xmx" + heapMiB + "m"))) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < clients; i++) keys.add(server.createTenantKey("tenant" + i));
            StringBuilder batch = new StringBuilder("{\"events\":[");
            String pad = "x".repeat(5000);
            for (int i = 0; i < 1000; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"event_type\":\"page.view\",\"data\":{\"n\":").append(i).append(",\"pad\":\"").append(pad).append("\"}}");
            }
            String body = batch.append("]}").toString();
            long baseline = server.residentMiB();
            AtomicLong peak = new AtomicLong(baseline);
            Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(server.residentMiB(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            Map<Integer, String> sample = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (String key : keys) {
                senders.add(Thread.ofVirtual().start(() -> {
                    LoadClient.Reply reply = server.client().post("/v1/events", key, body);
                    int status = reply.status();
                    sample.putIfAbsent(status, reply.body().length() > 160 ? reply.body().substring(0, 160) : reply.body());
                    statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                }));
            }
            for (Thread t : senders) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            DeliveryBench.pause(Duration.ofMillis(200));
            sampler.interrupt();
            int health = server.client().get("/health", null).status();
            out.printf("bench bodies: %d tenants each post one %.1f MiB batch at once; server process with -Xmx%dm%n", clients,
                    body.length() / 1048576.0, heapMiB);
            out.printf("  answered in %.1fs: %s (-1 = no answer)%n", seconds, new java.util.TreeMap<>(statuses));
            sample.forEach((status, text) -> {
                if (status != 200) out.printf("  %d: %s%n", status, text);
            });
            out.printf("  server resident memory: %d MiB before, %d MiB at peak; /health afterwards: %d%n", baseline, peak.get(), health);
        } finally {
            LocalServer.deleteFolder(data);
        }
    }
}
