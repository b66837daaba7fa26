package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the attempt log says a receiver answered is what it answered: a reply that is not HTTP has no
 * status code, rather than one the HTTP client made up while failing to parse it.
 */
class ReceiverAnswerTest {

    /** A raw server on loopback that reads each request and writes {@code reply} as is, then closes. */
    private static final class FixedReply implements AutoCloseable {
        final ServerSocket socket;

        FixedReply(String reply) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        StaleConnectionTest.DroppingServer.readRequest(s.getInputStream());
                        OutputStream out = s.getOutputStream();
                        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static AttemptResult send(String reply) throws Exception {
        try (FixedReply server = new FixedReply(reply); HttpSender sender = StaleConnectionTest.sender()) {
            return sender.send(StaleConnectionTest.request(server.url()), "wh_1").get();
        }
    }

    @Test
    void aReplyThatIsNotHttpHasNoStatusCode() throws Exception {
        AttemptResult result = send("NOT HTTP AT ALL\r\n\r\n");
        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.statusCode()).isEmpty();
            assertThat(failed.error()).startsWith("not a valid HTTP response").doesNotContain("Exception");
        });
    }

    @Test
    void aStatusLineWithANulByteHasNoStatusCode() throws Exception {
        AttemptResult result = send("HTTP/1.1 2\u000000 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> assertThat(failed.statusCode()).isEmpty());
    }

    @Test
    void aRealErrorStatusIsKept() throws Exception {
        AttemptResult result = send("HTTP/1.1 503 Busy\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.statusCode()).contains(503);
            assertThat(failed.responseBody()).isEqualTo("busy");
        });
    }
}
