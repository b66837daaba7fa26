package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.Limits;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large upload refused before its body is read (no valid key, the tenant over its share) is answered,
 * and the client, which goes on sending the body it had started, can read that answer and send its next
 * request on the same connection. Before, the server closed the connection under the arriving body: the
 * client's next packet drew a reset, and a client under load sometimes lost the answer to it ("no bytes
 * received") and could not tell a refusal from a crash.
 */
class RefusedUploadTest {
    private static final int BODY_BYTES = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void anUnauthorisedUploadIsAnsweredAndTheConnectionServesTheNextRequest() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            int port = URI.create(server.baseUrl()).getPort();
            try (Socket socket = connect(port)) {
                Answer refused = sendUpload(socket, "not-a-key");
                assertThat(refused.status()).isEqualTo(401);
                assertThat(refused.body()).contains("\"error\"");
                assertNextRequestServed(socket);
            }
        }
    }

    @Test
    void anUploadOverTheTenantsShareIsAnsweredAndTheConnectionServesTheNextRequest() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(Limits.defaults().withTenantIngestBudgetBytes(5L << 20)), Clock.systemUTC())) {
            ApiClient flood = server.tenant("flood");
            int port = URI.create(server.baseUrl()).getPort();
            try (Socket holding = connect(port); Socket socket = connect(port)) {
                // The first upload sends only its headers: it holds the tenant's whole 5 MiB share while its body is
                // awaited. It asks to be told to go on, which the server does once it was admitted and reads the body.
                write(holding, head(flood.key(), 5 << 20).replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n"));
                assertThat(new String(holding.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100");
                Answer refused = sendUpload(socket, flood.key());
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.headers()).contains("retry-after: 1");
                assertThat(refused.body()).contains("\"code\":\"too_many_requests\"");
                assertNextRequestServed(socket);
            }
            assertThat(flood.get("/v1/events").json().get("events")).as("nothing was stored from either upload").isEmpty();
        }
    }

    /**
     * A body over the 5 MiB limit sent whole before the answer is read, as Python's http.client sends one:
     * the client gets 413 and the connection serves the next request. Refused while the tenant's byte rate
     * is on, it takes nothing of that rate: the next oversize upload is 413 again, not 429, and an event of
     * normal size is still taken. Before, the second got 429 and the connection closed under the body (the
     * client saw a broken pipe, no answer).
     */
    @Test
    void anUploadOverTheLimitSentWholeIsAnsweredAndTakesNothingOfTheTenantsRate() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(Limits.defaults().withTenantBodyBytesPerSecond(1L << 20)), Clock.systemUTC())) {
            ApiClient tenant = server.tenant("big");
            int port = URI.create(server.baseUrl()).getPort();
            try (Socket socket = connect(port)) {
                for (int i = 0; i < 3; i++) {
                    Answer refused = sendWholeThenRead(socket, tenant.key(), 6 << 20);
                    assertThat(refused.status()).as("upload %d", i).isEqualTo(413);
                    assertThat(refused.body()).contains("\"code\":\"body_too_large\"");
                }
                // Without a valid key it is 401 first, as on every path; the body is still read, the connection kept.
                assertThat(sendWholeThenRead(socket, "not-a-key", 6 << 20).status()).isEqualTo(401);
                assertNextRequestServed(socket);
            }
            assertThat(tenant.post("/v1/events", "{\"event_type\":\"x\",\"data\":{}}").status()).isEqualTo(202);
        }
    }

    /**
     * A body over the limit sent in chunks (no length to refuse it by) is answered 413 with the service's
     * error body once the limit is read, and the web framework's own warning for it is not logged: one line
     * per body, from a library logger, naming no tenant, which a client could repeat at will. The logger's
     * other lines are kept.
     */
    @Test
    void aChunkedUploadOverTheLimitIsAnswered413WithoutALogLineOfItsOwn() throws Exception {
        ch.qos.logback.classic.Logger javalin = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.javalin.Javalin");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        javalin.addAppender(lines);
        try (TestServer server = TestServer.start(dir)) {
            ApiClient tenant = server.tenant("big");
            int port = URI.create(server.baseUrl()).getPort();
            try (Socket socket = connect(port)) {
                write(socket, "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + tenant.key()
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                String size = Integer.toHexString(chunk.length) + "\r\n";
                try {
                    for (int i = 0; i < 6 * 16; i++) {
                        write(socket, size);
                        socket.getOutputStream().write(chunk);
                        write(socket, "\r\n");
                    }
                    write(socket, "0\r\n\r\n");
                } catch (IOException closedOnceAnswered) {
                    // the server may close the connection under the rest of a body it will not read
                }
                Answer refused = readAnswer(socket.getInputStream());
                assertThat(refused.status()).isEqualTo(413);
                assertThat(refused.body()).contains("\"code\":\"body_too_large\"");
            }
            javalin.warn("another line of the framework's");
        } finally {
            javalin.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .containsExactly("another line of the framework's");
    }

    /**
     * A client that asked to be told to go on ({@code Expect: 100-continue}, as curl does for bodies over
     * 1 MiB) has sent no body: it gets the refusal as its only answer and the connection closes at once,
     * rather than the server waiting for a body that will not come.
     */
    @Test
    void aRefusedUploadThatWaitsToBeToldToGoOnIsAnsweredAndClosed() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            int port = URI.create(server.baseUrl()).getPort();
            try (Socket socket = connect(port)) {
                socket.setSoTimeout(5_000);
                write(socket, head("not-a-key", BODY_BYTES).replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n"));
                Answer refused = readAnswer(socket.getInputStream());
                assertThat(refused.status()).as("the refusal, not 100 Continue").isEqualTo(401);
                assertThat(socket.getInputStream().read()).as("nothing more: the connection closes").isEqualTo(-1);
            }
        }
    }

    /** Sends the headers of a 1 MiB upload, reads the answer, then sends the body as a client that had started would. */
    private static Answer sendUpload(Socket socket, String key) throws IOException {
        write(socket, head(key, BODY_BYTES));
        Answer answer = readAnswer(socket.getInputStream());
        byte[] body = new byte[BODY_BYTES];
        Arrays.fill(body, (byte) ' ');
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        return answer;
    }

    /** Sends the headers and the whole body of an upload of {@code length} bytes, then reads the answer. */
    private static Answer sendWholeThenRead(Socket socket, String key, int length) throws IOException {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) ' ');
        write(socket, head(key, length));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        return readAnswer(socket.getInputStream());
    }

    private static void assertNextRequestServed(Socket socket) throws IOException {
        write(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Answer health = readAnswer(socket.getInputStream());
        assertThat(health.status()).as("the same connection serves the next request").isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"ok\"");
    }

    private static String head(String key, int length) {
        return "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private record Answer(int status, String headers, String body) {
    }

    /** One HTTP/1.1 answer with a Content-Length, read from the connection without reading past it. */
    private static Answer readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("the connection closed after " + head.size() + " bytes of headers: " + head);
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(headers.substring(9, 12));
        int length = headers.lines().filter(l -> l.startsWith("content-length:")).findFirst()
                .map(l -> Integer.parseInt(l.substring("content-length:".length()).strip())).orElseThrow();
        return new Answer(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
}
