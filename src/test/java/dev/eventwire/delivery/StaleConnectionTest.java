package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * A receiver that closes a kept-alive connection as the next request arrives on it (what a server closing
 * idle keep-alive connections does) gets the request again at once on another connection — once, not
 * forever. A connection closed without an answer the first time it is used is the receiver's answer: that
 * attempt fails, and it is not sent twice.
 */
class StaleConnectionTest {

    /**
     * A raw HTTP/1.1 server on loopback, one connection at a time, keeping each open after an answer.
     * {@code drops} says, for a connection's number (from 1) and a request's place on it (from 0), whether
     * to close the connection without a word once that request is read.
     */
    static final class DroppingServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final Thread thread;

        DroppingServer(BiPredicate<Integer, Integer> drops) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = Thread.ofPlatform().daemon(true).start(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        int n = connections.incrementAndGet();
                        for (int place = 0; ; place++) {
                            if (readRequest(s.getInputStream()).isEmpty()) break;
                            requests.incrementAndGet();
                            if (drops.test(n, place)) break;
                            OutputStream out = s.getOutputStream();
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        /** Reads one request and returns its head as ISO-8859-1 text (what came before the end of the stream, if it ended first). */
        static String readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) return head.toString();
                head.append((char) c);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
            }
            in.readNBytes(length);
            return head.toString();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static HttpSender sender() {
        return new HttpSender(new EgressGuard(HostResolver.SYSTEM, List.of("127.0.0.1/32")), ReceiverTrust.JVM_DEFAULTS, Duration.ofSeconds(5), Duration.ofSeconds(5), 32);
    }

    static OutgoingRequest request(String url) {
        return new OutgoingRequest(url, Map.of("webhook-id", "msg_1"), "{\"event_id\":\"e1\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKeptAliveConnectionClosedAsTheNextRequestArrivesIsResentOnceAtOnce() throws Exception {
        try (DroppingServer server = new DroppingServer((connection, place) -> connection == 1 && place == 1); HttpSender sender = sender()) {
            assertThat(sender.send(request(server.url()), "wh_1").get()).isInstanceOf(AttemptResult.Delivered.class);
            AttemptResult second = sender.send(request(server.url()), "wh_1").get();
            assertThat(second).as("sent on the kept-alive connection, dropped there, sent again on a new one").isInstanceOf(AttemptResult.Delivered.class);
            assertThat(server.connections.get()).isEqualTo(2);
            assertThat(server.requests.get()).isEqualTo(3);
        }
    }

    @Test
    void aResendDroppedAsWellFailsTheAttemptWithNoThirdTry() throws Exception {
        try (DroppingServer server = new DroppingServer((connection, place) -> connection > 1 || place > 0); HttpSender sender = sender()) {
            assertThat(sender.send(request(server.url()), "wh_1").get()).isInstanceOf(AttemptResult.Delivered.class);
            assertThat(sender.send(request(server.url()), "wh_1").get()).isInstanceOf(AttemptResult.Failed.class);
            Thread.sleep(300);
            assertThat(server.requests.get()).as("the first request, then the second sent twice, no more").isEqualTo(3);
        }
    }

    @Test
    void aNewConnectionClosedWithoutAnAnswerIsTheReceiversAnswerAndIsNotResent() throws Exception {
        try (DroppingServer server = new DroppingServer((connection, place) -> true); HttpSender sender = sender()) {
            AttemptResult result = sender.send(request(server.url()), "wh_1").get();
            assertThat(result).isInstanceOf(AttemptResult.Failed.class);
            Thread.sleep(300);
            assertThat(server.requests.get()).as("sent once").isEqualTo(1);
            assertThat(server.connections.get()).isEqualTo(1);
        }
    }

    /**
     * A receiver that aborts the connection (a reset, as a crashing process or a proxy refusing the
     * request gives) is said so in the attempt log in plain words, not in the socket library's.
     */
    @Test
    void aReceiverThatResetsTheConnectionIsSaidSoInPlainWords() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); HttpSender sender = sender()) {
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        s.setSoLinger(true, 0);
                        s.close();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            java.util.Set<String> errors = new java.util.TreeSet<>();
            for (int i = 0; i < 20; i++) {
                // A body larger than the sockets' buffers: the reset comes while it is still being written.
                OutgoingRequest large = new OutgoingRequest("http://127.0.0.1:" + socket.getLocalPort() + "/hook", Map.of("webhook-id", "msg_1"),
                        ("{\"data\":\"" + "x".repeat(4 << 20) + "\"}").getBytes(StandardCharsets.UTF_8));
                AttemptResult result = sender.send(large, "wh_1").get();
                assertThat(result).isInstanceOf(AttemptResult.Failed.class);
                errors.add(((AttemptResult.Failed) result).error());
            }
            assertThat(errors).allSatisfy(error -> assertThat(error).startsWith("the receiver closed the connection"));
        }
    }
}
