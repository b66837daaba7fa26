package dev.eventwire.bench;

import dev.eventwire.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@code serve} process of this jar on a loopback port over a data folder: the server measured from outside. */
public final class ServerProcess implements AutoCloseable {
    static final String ADMIN_KEY = "ew_admin_bench_key_0123456789";
    private final ChildProcess process;
    private final LoadClient client;
    private final int port;

    private ServerProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
        this.client = new LoadClient("http://127.0.0.1:" + port);
    }

    /** Starts {@code serve} with extra JVM options (such as a heap cap) and waits until /health answers 200. */
    static ServerProcess start(Path data, int port, Path log, List<String> jvmOptions) {
        ChildProcess child = ChildProcess.start(jvmOptions, List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--data", data.toString(),
                "--egress-allow", "127.0.0.1/32"), Map.of("EVENTWIRE_ADMIN_KEY", ADMIN_KEY), log, line -> { });
        ServerProcess server = new ServerProcess(child, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (server.client.get("/health", null).status() == 200) return server;
            } catch (RuntimeException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("the server did not become healthy; see " + log);
            DeliveryBench.pause(Duration.ofMillis(20));
        }
    }

    LoadClient client() {
        return client;
    }

    String createTenantKey(String tenant) {
        LoadClient.Reply reply = client.post("/v1/admin/keys", ADMIN_KEY, "{\"tenant\":\"" + tenant + "\",\"name\":\"bench\"}");
        if (reply.status() != 201) throw new IllegalStateException("creating a key failed: " + reply);
        return new Json().read(reply.body()).get("key").asText();
    }

    long residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    void kill() {
        process.kill();
        client.close();
    }

    @Override
    public void close() {
        process.stop();
        client.close();
    }

    int port() {
        return port;
    }
}
