package dev.eventwire.bench;

import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import dev.eventwire.demo.LocalReceiver;
import dev.eventwire.retention.Retained;
import dev.eventwire.store.duckdb.DuckDbDatabase;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code bench retention}, in process with simulated time: steady traffic (events, each delivered to one
 * webhook on a local receiver) for many simulated hours with a one-hour retention, retention running
 * every ten simulated minutes; prints the size of the database files every half hour, so one sees
 * whether disk use levels off once the retention period is full.
 */
public final class RetentionBench {
    private static final String ADMIN_KEY = "ew_admin_bench_key_0123456789";
    private final PrintStream out;
    private final int hours;
    private final int perMinute;

    public RetentionBench(PrintStream out, int hours, int perMinute) {
        this.out = out;
        this.hours = hours;
        this.perMinute = perMinute;
    }

    public void run() {
        Path dir = LocalServer.freshFolder("eventwire-bench-retention-");
        MutableClock clock = MutableClock.startingNow();
        Json json = new Json();
        String padding = "x".repeat(400);
        try (LocalReceiver receiver = new LocalReceiver(() -> 200, r -> { });
             App app = App.start(ServeConfig.local(dir).withAdminKey(ADMIN_KEY).withEgressAllow(List.of("127.0.0.1/32"))
                     .withRetention(Duration.ofHours(1)), clock, message -> { })) {
            LoadClient client = new LoadClient("http://127.0.0.1:" + app.port());
            String key = json.read(client.post("/v1/admin/keys", ADMIN_KEY, "{\"tenant\":\"bench\",\"name\":\"bench\"}").body()).get("key").asText();
            client.post("/v1/webhooks", key, "{\"url\":\"" + receiver.url("/r") + "\"}");
            out.printf("bench retention (in process, simulated time): %,d events per simulated minute for %d h, retention 1h, run every 10 min%n",
                    perMinute, hours);
            out.println("simulated   stored MiB   removed in the last half hour");
            long id = 0;
            long removedSinceReport = 0;
            for (int minute = 1; minute <= hours * 60; minute++) {
                for (int sent = 0; sent < perMinute; sent += 1000) {
                    StringBuilder batch = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < Math.min(1000, perMinute - sent); i++) {
                        batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"r").append(id++).append("\",\"event_type\":\"order.created\",")
                                .append("\"data\":{\"total_amount\":12.5,\"note\":\"").append(padding).append("\"}}");
                    }
                    LoadClient.Reply reply = client.post("/v1/events", key, batch.append("]}").toString());
                    if (reply.status() != 200) throw new IllegalStateException("posting failed: " + reply.status() + " " + reply.body());
                }
                clock.advance(Duration.ofMinutes(1));
                if (minute % 10 == 0) {
                    app.awaitMetricRollups();
                    Map<Retained, Integer> removed = app.runRetention();
                    removedSinceReport += removed.values().stream().mapToLong(Integer::longValue).sum();
                }
                if (minute % 30 == 0) {
                    out.printf("%5.1f h   %10.1f   %,d rows%n", minute / 60.0, mib(dir), removedSinceReport);
                    removedSinceReport = 0;
                }
            }
        } finally {
            LocalServer.deleteFolder(dir);
        }
    }

    private static double mib(Path dir) {
        long bytes = 0;
        for (String name : List.of(DuckDbDatabase.FILE_NAME, DuckDbDatabase.FILE_NAME + ".wal", DuckDbDatabase.DELIVERY_FILE_NAME,
                DuckDbDatabase.DELIVERY_FILE_NAME + ".wal")) {
            try {
                Path f = dir.resolve(name);
                if (Files.exists(f)) bytes += Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes / (1024.0 * 1024.0);
    }
}
