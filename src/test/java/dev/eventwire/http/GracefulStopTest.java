package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop (SIGTERM) answers the requests in flight, however long they take within the stop's limit, and
 * does not wait for clients that merely hold a keep-alive connection open: those are closed at once.
 */
class GracefulStopTest {
    @TempDir
    Path dir;

    @Test
    void aRequestInFlightIsAnsweredWhileIdleConnectionsAreClosedAtOnce() throws Exception {
        try (Receiver receiver = new Receiver()) {
            // The test send waits for the receiver: 3 s, longer than any idle allowance a stop could give.
            receiver.answer(r -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(3)));
            TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c);
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/slow") + "\"}").json().get("id").asText();
            int port = URI.create(server.baseUrl()).getPort();

            try (java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                 Socket idle = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket busy = new Socket(InetAddress.getLoopbackAddress(), port)) {
                idle.setSoTimeout(20_000);
                busy.setSoTimeout(20_000);
                // The idle client: one request answered, the connection kept open.
                idle.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String health = readAnswer(idle.getInputStream());
                assertThat(health).startsWith("HTTP/1.1 200");
                // The busy client: a test send under way.
                busy.getOutputStream().write(("POST /v1/webhooks/" + hook + "/test HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + acme.key()
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Receiver.await(() -> !receiver.received().isEmpty(), Duration.ofSeconds(10), "the test send reaching the receiver");

                CompletableFuture<Long> idleClosed = CompletableFuture.supplyAsync(() -> endOfStream(idle), threads);
                CompletableFuture<String> busyAnswer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return readAnswer(busy.getInputStream());
                    } catch (IOException e) {
                        return "failed: " + e;
                    }
                }, threads);
                long stopping = System.nanoTime();
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close, threads);

                long idleEnd = idleClosed.get();
                double idleClosedAfter = (System.nanoTime() - stopping) / 1e9;
                // Jetty alone shortens idle connections' allowance to 1 s at a stop and waits it out.
                assertThat(idleClosedAfter).as("seconds from the stop to the idle connection's close").isLessThan(0.6);
                assertThat(busyAnswer).as("the idle connection is closed while the request in flight still waits for its receiver").isNotDone();
                assertThat(idleEnd).as("the idle connection ends cleanly").isEqualTo(-1);
                String answer = busyAnswer.get();
                assertThat(answer).as("the request in flight is answered in full").startsWith("HTTP/1.1 200").contains("\"success\":true");
                stopped.get();
            }
        }
    }

    /** Reads until the end of the stream; -1 once it ends, or -2 when the read failed. */
    private static long endOfStream(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException e) {
            return -2;
        }
    }

    /** One HTTP/1.1 answer with a Content-Length body, or whatever came before the stream ended. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) break;
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        if (!length.find()) return headers;
        byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
        return headers + new String(body, StandardCharsets.UTF_8);
    }
}
