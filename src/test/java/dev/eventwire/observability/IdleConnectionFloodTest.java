package dev.eventwire.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that open connections and send nothing (or a header line now and then) cannot take the files
 * the server needs: the server, started with an open-file limit of 1,024, holds at most half of them as
 * connections; 1,000 idle connections leave it answering within seconds and free of "Too many open files".
 */
class IdleConnectionFloodTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aThousandIdleConnectionsLeaveTheServerAnswering() throws Exception {
        Path stdout = dir.resolve("serve.stdout");
        Path stderr = dir.resolve("serve.stderr");
        Process serve = ServeProcess.launch(List.of("bash", "-c", "ulimit -n 1024 && exec \"$0\" \"$@\""), dir.resolve("data"), Map.of(), List.of(),
                ProcessBuilder.Redirect.to(stdout.toFile()), stderr);
        List<Socket> idle = new ArrayList<>();
        try {
            int port = port(stdout);
            for (int i = 0; i < 1_000; i++) idle.add(new Socket(InetAddress.getLoopbackAddress(), port));
            // The server's open files while the 1,000 stay open: without the cap they reach the limit of 1,024.
            Path files = Path.of("/proc", String.valueOf(serve.pid()), "fd");
            long most = 0;
            for (int i = 0; i < 30; i++) {
                try (java.util.stream.Stream<Path> open = Files.list(files)) {
                    most = Math.max(most, open.count());
                }
                Thread.sleep(100);
            }
            assertThat(most).as("the server's open files with 1,000 idle connections at it").isLessThan(900);
            // A client that sends its request gets in once the idle connections ahead of it are closed, a second
            // after the cap is reached: not after their normal 30-s idle time (seen in a busy run, 64 s in all).
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            for (Socket s : idle) s.close();
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
            serve.destroyForcibly();
        }
        assertThat(Files.readString(stderr)).doesNotContain("Too many open files");
    }

    private static int port(Path stdout) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(stdout) ? Files.readString(stdout) : "");
            if (m.find()) return Integer.parseInt(m.group(1));
            Thread.sleep(100);
        }
        throw new IllegalStateException("serve did not listen within 60 s");
    }
}
