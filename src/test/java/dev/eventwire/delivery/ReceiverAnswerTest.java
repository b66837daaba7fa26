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
        /** The request line of the last request, as the bytes came (ISO-8859-1). */
        volatile String requestLine = "";
        /** The request line and headers of the last request. */
        volatile String requestHead = "";

        FixedReply(String reply) throws IOException {
            this(reply, java.time.Duration.ZERO);
        }

        /** {@code holdOpen}: how long the connection stays open after the reply, for replies shorter than they say. */
        FixedReply(String reply, java.time.Duration holdOpen) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        requestHead = StaleConnectionTest.DroppingServer.readRequest(s.getInputStream());
                        requestLine = requestHead.split("\r\n", 2)[0];
                        OutputStream out = s.getOutputStream();
                        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        if (!holdOpen.isZero()) Thread.sleep(holdOpen.toMillis());
                    } catch (IOException | InterruptedException e) {
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
    void aUrlWithCharactersBeyondAsciiIsSentPercentEncodedAsUtf8() throws Exception {
        try (FixedReply server = new FixedReply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
             HttpSender sender = StaleConnectionTest.sender()) {
            String base = "http://127.0.0.1:" + server.socket.getLocalPort();
            assertThat(sender.send(StaleConnectionTest.request(base + "/hooks/café/日本?name=ü&x=a%20b"), "wh_1").get())
                    .isInstanceOf(AttemptResult.Delivered.class);
            // Not '?' for what Latin-1 lacks (which turned the rest of the path into a query), nor a raw 0xE9 byte.
            assertThat(server.requestLine).isEqualTo("POST /hooks/caf%C3%A9/%E6%97%A5%E6%9C%AC?name=%C3%BC&x=a%20b HTTP/1.1");
        }
    }

    @Test
    void aCookieOneWebhooksReceiverSetsIsNeverSentToAnother() throws Exception {
        // Webhooks of different tenants often share a host; a cookie jar would hand one tenant's session to another's.
        try (FixedReply server = new FixedReply("HTTP/1.1 200 OK\r\nSet-Cookie: session=tenant-a; Path=/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
             HttpSender sender = StaleConnectionTest.sender()) {
            assertThat(sender.send(StaleConnectionTest.request(server.url()), "wh_a").get()).isInstanceOf(AttemptResult.Delivered.class);
            assertThat(sender.send(StaleConnectionTest.request(server.url()), "wh_b").get()).isInstanceOf(AttemptResult.Delivered.class);
            assertThat(server.requestHead).doesNotContainIgnoringCase("cookie").contains("webhook-id");
        }
    }

    @Test
    void noCompressedAnswerIsAskedFor() throws Exception {
        // Only the first KiB of an answer is kept, as text: a compressed one would be kept as unreadable bytes.
        try (FixedReply server = new FixedReply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
             HttpSender sender = StaleConnectionTest.sender()) {
            assertThat(sender.send(StaleConnectionTest.request(server.url()), "wh_a").get()).isInstanceOf(AttemptResult.Delivered.class);
            assertThat(server.requestHead).doesNotContainIgnoringCase("accept-encoding");
        }
    }

    @Test
    void anAnswerIsReadNoFurtherThanTheKibTheLogKeeps() throws Exception {
        // 200 and a body announced as 50 MB of which 4 KiB come, then nothing: the attempt is delivered at
        // once, not when the delivery timeout (5 s here) ends the wait for the rest.
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\n\r\n";
        try (FixedReply server = new FixedReply(head + "x".repeat(4096), java.time.Duration.ofSeconds(30)); HttpSender sender = StaleConnectionTest.sender()) {
            AttemptResult result = sender.send(StaleConnectionTest.request(server.url()), "wh_1").get();
            assertThat(result).isInstanceOfSatisfying(AttemptResult.Delivered.class, delivered -> {
                assertThat(delivered.responseBody()).hasSize(HttpSender.MAX_RESPONSE_BYTES);
                assertThat(delivered.durationMillis()).isLessThan(2_000);
            });
        }
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsSaidInPlainWords() throws Exception {
        AttemptResult result = send("");
        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.statusCode()).isEmpty();
            assertThat(failed.error()).isEqualTo("the receiver closed the connection");
        });
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
        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.statusCode()).isEmpty();
            // The tenant reads this in the attempt log and in eventwire.delivery.dead: not "illegal character cntl=0x0".
            assertThat(failed.error()).isEqualTo("not a valid HTTP response: a character that has no place in an HTTP response (code 0x0)");
        });
    }

    @Test
    void plainHttpBehindAnHttpsUrlIsSaidInPlainWords() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); HttpSender sender = StaleConnectionTest.sender()) {
            Thread.ofPlatform().daemon(true).start(() -> {
                try (Socket s = plain.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    Thread.sleep(1_000);
                } catch (IOException | InterruptedException e) {
                    // closed
                }
            });
            AttemptResult result = sender.send(StaleConnectionTest.request("https://127.0.0.1:" + plain.getLocalPort() + "/hook"), "wh_1").get();
            assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed ->
                    assertThat(failed.error()).isEqualTo("TLS error: the receiver did not answer in TLS (is it plain HTTP behind an https URL?)"));
        }
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
