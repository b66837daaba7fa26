package dev.eventwire.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import dev.eventwire.http.PortUnavailableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port another process holds: one line and exit 2, before anything is written; nothing left running. */
class TakenPortTest {
    @TempDir
    Path dir;

    @Test
    void serveSaysThePortIsTakenInOneLineAndExits2BeforeWritingAnything() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path data = dir.resolve("data");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main",
                    "serve", "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()), "--data", data.toString(), "--warm-up", "30s")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // Well before the 30 s warm-up would have ended: the port is checked first.
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(output.strip()).isEqualTo("eventwire: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
            assertThat(data).as("no admin key, no database files").satisfiesAnyOf(
                    d -> assertThat(d).doesNotExist(),
                    d -> assertThat(Files.list(d)).isEmpty());
        }
    }

    @Test
    void aDataFolderAnotherProcessServesIsNamedWithThatProcess() throws Exception {
        Path data = dir.resolve("data");
        try (dev.eventwire.support.TestServer first = dev.eventwire.support.TestServer.start(data)) {
            // Its write-ahead logs hold something: the second start once said it was replaying them, "left behind".
            for (int i = 0; i < 50; i++) assertThat(first.tenant("acme").post("/v1/events", "{\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            assertThat(Files.size(data.resolve("eventwire.duckdb.wal"))).isPositive();
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main",
                    "serve", "--host", "127.0.0.1", "--port", "0", "--data", data.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("a supervisor may try again: in a restart the process before may still be closing").isEqualTo(75);
            assertThat(output.strip()).isEqualTo("eventwire: cannot start: cannot open the store in " + data + ": the data folder is in use by another process (PID "
                    + ProcessHandle.current().pid() + "); one server per data folder — several replicas share a PostgreSQL database instead"
                    + " (--database-url). Exiting (75).");
            assertThat(first.anonymous().get("/health").status()).as("the server holding it goes on").isEqualTo(200);
        }
    }

    private static final java.util.Set<String> WORKERS = java.util.Set.of("eventwire-delivery-poller", "eventwire-metric-rollup", "eventwire-heartbeat",
            "eventwire-retention");

    private static java.util.Set<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && WORKERS.contains(t.getName()))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void aPortTakenAfterTheCheckStopsWhatTheStartHadStarted() throws Exception {
        java.util.Set<Thread> before = workers();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServeConfig config = ServeConfig.local(dir.resolve("data")).withAdminKey("ew_admin_taken_port_0123456789").withPort(taken.getLocalPort());
            assertThatThrownBy(() -> App.start(config, Clock.systemUTC(), message -> { }))
                    .isInstanceOf(PortUnavailableException.class)
                    .hasMessage("cannot listen on " + config.host() + ":" + taken.getLocalPort() + ": address already in use");
        }
        // The engine's poller and the background workers the start had begun stop with it (their loops end
        // at their next wake-up, within a second).
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        java.util.Set<Thread> left = workers();
        left.removeAll(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            left.iterator().next().join(100);
            left.removeIf(t -> !t.isAlive());
        }
        assertThat(left).extracting(Thread::getName).isEmpty();
    }
}
