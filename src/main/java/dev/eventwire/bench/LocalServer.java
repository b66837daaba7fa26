package dev.eventwire.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import dev.eventwire.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A server on a free loopback port over a fresh data folder, for the demo and the benchmarks. */
public final class LocalServer implements AutoCloseable {
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final App app;
    private final LoadClient client;
    private final Json json = new Json();

    public LocalServer(Path dataDir, boolean deleteOnClose, UnaryOperator<ServeConfig> tweak) {
        this(dataDir, deleteOnClose, tweak, (accepted, rejected, deliveries) -> { });
    }

    public LocalServer(Path dataDir, boolean deleteOnClose, UnaryOperator<ServeConfig> tweak, dev.eventwire.events.IngestListener observer) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.app = App.startObserved(tweak.apply(ServeConfig.local(dataDir)), Clock.systemUTC(), observer);
        this.client = new LoadClient(baseUrl());
    }

    /** A new folder in the temporary folder, deleted at the latest when the process exits. */
    public static Path freshFolder(String prefix) {
        try {
            return deletedAtExit(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes {@code dir} when the process exits, if it is still there: a bench or demo stopped with
     * SIGTERM or Ctrl-C left its data behind (42 MB of PostgreSQL for a cluster bench), since its own
     * clean-up never ran.
     */
    public static Path deletedAtExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("eventwire-delete-" + dir.getFileName()).unstarted(() -> {
            // Processes stopping at the same time (the children, an embedded PostgreSQL writing its statistics
            // as it shuts down) may still write into it: deleted again until it stays gone, ten seconds at most.
            for (int attempt = 0; attempt < 50 && Files.exists(dir); attempt++) {
                deleteFolder(dir);
                if (Files.exists(dir)) DeliveryBench.pause(java.time.Duration.ofMillis(200));
            }
        }));
        return dir;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public void awaitMetricRollups() {
        app.awaitMetricRollups();
    }

    public String adminKey() {
        return app.adminKey();
    }

    public LoadClient client() {
        return client;
    }

    /** Creates a tenant key through the admin API. */
    public String createTenantKey(String tenant, String name) {
        LoadClient.Reply reply = client.post("/v1/admin/keys", adminKey(), "{\"tenant\":\"" + tenant + "\",\"name\":\"" + name + "\"}");
        if (reply.status() != 201) throw new IllegalStateException("creating a key failed: " + reply);
        return json.read(reply.body()).get("key").asText();
    }

    public JsonNode parse(String body) {
        return json.read(body);
    }

    @Override
    public void close() {
        client.close();
        app.close();
        if (deleteOnClose) deleteFolder(dataDir);
    }

    /**
     * When {@code EVENTWIRE_BENCH_LOGS} names a folder, copies every {@code .log} file under {@code dir} (the
     * server, replica and receiver logs of a bench) there before the bench deletes its data, so a figure that
     * surprises can be matched against what the processes logged.
     */
    public static void keepLogs(Path dir, java.io.PrintStream out) {
        String target = System.getenv("EVENTWIRE_BENCH_LOGS");
        if (target == null || target.isBlank()) return;
        Path into = Path.of(target);
        try (Stream<Path> files = Files.walk(dir)) {
            Files.createDirectories(into);
            for (Path log : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(log, into.resolve(dir.relativize(log).toString().replace('/', '-')), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            out.println("logs kept in " + into);
        } catch (IOException e) {
            out.println("could not keep the logs in " + into + ": " + e.getMessage());
        }
    }

    /** Removes a temp folder and everything in it (best effort). */
    public static void deleteFolder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temp folder
        }
    }
}
