package dev.eventwire.bench;

import dev.eventwire.cli.WarmUpEnd;
import dev.eventwire.support.Durations;
import dev.eventwire.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@code serve} process of this jar on a loopback port: the server measured from outside. */
public final class ServerProcess implements AutoCloseable {
    public static final String ADMIN_KEY = "ew_admin_bench_key_0123456789";
    private final ChildProcess process;
    private final LoadClient client;
    private final int port;

    private ServerProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
        this.client = new LoadClient("http://127.0.0.1:" + port);
    }

    /** Starts {@code serve} over a data folder with extra JVM options (such as a heap cap) and waits until /health answers 200. */
    static ServerProcess start(Path data, int port, Path log, List<String> jvmOptions) {
        return start(jvmOptions, List.of("--data", data.toString()), port, log);
    }

    /**
     * Starts {@code serve --host 127.0.0.1 --port <port> --egress-allow 127.0.0.1/32} plus {@code serveOptions}
     * (a database URL and replica id, a delivery timeout) and waits until /health answers 200.
     */
    public static ServerProcess start(List<String> jvmOptions, List<String> serveOptions, int port, Path log) {
        return start(jvmOptions, serveOptions, port, log, Map.of());
    }

    /** The same with extra environment variables for the server. */
    public static ServerProcess start(List<String> jvmOptions, List<String> serveOptions, int port, Path log, Map<String, String> env) {
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--egress-allow", "127.0.0.1/32"));
        args.addAll(serveOptions);
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.put("EVENTWIRE_ADMIN_KEY", ADMIN_KEY);
        ChildProcess child = ChildProcess.start(jvmOptions, args, environment, log, line -> { });
        ServerProcess server = new ServerProcess(child, port);
        // It listens only after its warm-up, if it was given one: at most three times the length asked for.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).plus(WarmUpEnd.forLength(warmUpIn(serveOptions)).cap()).toNanos();
        while (true) {
            try {
                if (server.client.get("/health", null).status() == 200) return server;
            } catch (RuntimeException notYet) {
                // still starting
            }
            java.util.OptionalInt exited = child.exitCode();
            if (exited.isPresent()) {
                child.close();
                throw new IllegalStateException("the server exited (" + exited.getAsInt() + ") before it answered; see " + log);
            }
            if (System.nanoTime() > deadline) {
                child.close();
                throw new IllegalStateException("the server did not become healthy; see " + log);
            }
            DeliveryBench.pause(Duration.ofMillis(20));
        }
    }

    /** The {@code --warm-up} among the options, zero without one. */
    private static Duration warmUpIn(List<String> serveOptions) {
        int at = serveOptions.indexOf("--warm-up");
        return at >= 0 && at + 1 < serveOptions.size() ? Durations.parseOne(serveOptions.get(at + 1)) : Duration.ZERO;
    }

    /** The server's process id (for its CPU time). */
    long pid() {
        return process.pid();
    }

    public LoadClient client() {
        return client;
    }

    public String createTenantKey(String tenant) {
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

    /** kill -9, waiting until the process is gone. */
    public void kill() {
        process.kill();
        client.close();
    }

    /** SIGSTOP: the process is frozen (its sockets stay open, nothing answers). */
    public void pause() {
        process.signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        process.signal("CONT");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.stop();
        client.close();
    }

    public int port() {
        return port;
    }
}
