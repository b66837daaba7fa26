package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that break HTTP itself or present ambiguous credentials, as an outside review sent them
 * over raw sockets: each gets a 4xx with the error body, never a 500, and the server stays healthy.
 */
class ProtocolAbuseTest {
    @TempDir
    Path dir;

    /** Writes {@code request} as is, half-closes, and returns the whole answer. */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String post(String key, String headers, String body) {
        return "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                + headers + "\r\n" + body;
    }

    @Test
    void aBodyThatEndsEarlyOrHasBrokenChunksIsABadRequestNotAServerError() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            int port = URI.create(server.baseUrl()).getPort();
            for (String request : new String[]{
                    post(acme.key(), "Transfer-Encoding: chunked\r\n", "ZZ\r\n{}\r\n0\r\n\r\n"),
                    post(acme.key(), "Transfer-Encoding: chunked\r\n", "FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"),
                    post(acme.key(), "Content-Length: 1000\r\n", "{\"event_type\":\"a.b\""),
            }) {
                String answer = raw(port, request);
                assertThat(answer).as(request).startsWith("HTTP/1.1 400").contains("\"error\"").doesNotContain("Exception").doesNotContain("internal_error");
            }
            assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\"}").status()).isEqualTo(202);
        }
    }

    /**
     * A client that sends its headers and part of its body, then nothing (a stuck producer, a slow-loris
     * attacker), is given up after 30 s of silence with the JSON error body like every other refusal, and
     * holds up nobody meanwhile. Waits the real 30 s: the timeout is Jetty's, on the socket.
     */
    @Test
    void aBodyThatStopsArrivingIsGivenUpWithTheErrorBody() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            int port = URI.create(server.baseUrl()).getPort();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(post(acme.key(), "Content-Length: 1000\r\n", "{\"event_type\":\"a.b\"").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\"}").status()).as("others are served meanwhile").isEqualTo(202);
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                socket.getInputStream().transferTo(answer);
                assertThat(answer.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 408").contains("application/json")
                        .contains("\"code\":\"request_timeout\"").doesNotContain("Exception");
            }
            assertThat(server.anonymous().get("/health").status()).isEqualTo(200);
            assertThat(acme.get("/v1/events").json().get("events")).as("only the event posted meanwhile is stored").hasSize(1);
        }
    }

    @Test
    void headAnswersWhatGetWouldWithoutTheBody() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            HttpClient http = HttpClient.newHttpClient();
            for (String[] call : new String[][]{{"/health", ""}, {"/console/js/app.js", ""}, {"/console/nope.js", ""}, {"/v1/events", ""},
                    {"/v1/events", acme.key()}, {"/v1/webhooks/wh_01HZZZZZZZZZZZZZZZZZZZZZZZ", acme.key()}, {"/v1/admin/keys", acme.key()}}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + call[0]));
                if (!call[1].isEmpty()) request.header("Authorization", "Bearer " + call[1]);
                HttpResponse<String> get = http.send(request.copy().GET().build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> head = http.send(request.copy().HEAD().build(), HttpResponse.BodyHandlers.ofString());
                String what = "HEAD " + call[0] + (call[1].isEmpty() ? " without a key" : "");
                assertThat(head.statusCode()).as(what).isEqualTo(get.statusCode());
                assertThat(head.headers().firstValue("Content-Type")).as(what).isEqualTo(get.headers().firstValue("Content-Type"));
                assertThat(head.body()).as(what).isEmpty();
            }
        }
    }

    @Test
    void aTrailingSlashReachesTheResourceWithoutIt() {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            assertThat(acme.post("/v1/events", "{\"event_id\":\"e-1\",\"event_type\":\"a.b\"}").status()).isEqualTo(202);
            ApiClient.Response slashed = acme.get("/v1/events/");
            assertThat(slashed.status()).isEqualTo(200);
            assertThat(slashed.json().get("events")).extracting(e -> e.get("event_id").asText()).containsExactly("e-1");
            assertThat(acme.get("/v1/events/e-1/").json().get("event_id").asText()).isEqualTo("e-1");
        }
    }

    @Test
    void aPathThatExistsWithOtherMethodsAnswers405() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            HttpClient http = HttpClient.newHttpClient();
            String[][] calls = {{"PUT", "/v1/events", "GET, POST"}, {"DELETE", "/v1/events/e-1", "GET"}, {"PUT", "/v1/webhooks/wh_x", "GET, PATCH, DELETE"},
                    {"DELETE", "/v1/metrics/revenue", "GET"}, {"PUT", "/v1/webhooks/wh_x/replay", "POST"}};
            for (String[] call : calls) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + call[1]))
                        .header("Authorization", "Bearer " + acme.key()).method(call[0], HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(405);
                assertThat(r.body()).contains("\"code\":\"method_not_allowed\"");
                // A client learns what the resource does take, as HTTP requires of a 405.
                List<String> allow = Arrays.stream(r.headers().firstValue("Allow").orElse("").split(",")).map(String::strip).toList();
                assertThat(allow).as("Allow of " + call[1]).contains(call[2].split(", ")).doesNotContain(call[0]);
            }
            assertThat(acme.get("/v1/no-such-thing").status()).isEqualTo(404);
        }
    }

    @Test
    void aCompressedBodyIsRefusedRatherThanReadAsText() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            HttpClient http = HttpClient.newHttpClient();
            for (String encoding : new String[]{"gzip", "br", "deflate"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                        .header("Authorization", "Bearer " + acme.key()).header("Content-Type", "application/json").header("Content-Encoding", encoding)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"br.ignored\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(encoding).isEqualTo(415);
                assertThat(r.body()).contains("unsupported_media_type").contains(encoding);
            }
            // Sent twice, the second header is not ignored: the request is refused whatever the first says.
            String[][] twice = {{"Content-Encoding", "identity", "gzip"}, {"Content-Type", "application/json", "application/json; charset=utf-16"}};
            for (String[] header : twice) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events")).header("Authorization", "Bearer " + acme.key())
                        .header(header[0], header[1]).header(header[0], header[2]);
                if (!header[0].equals("Content-Type")) request.header("Content-Type", "application/json");
                HttpResponse<String> r = http.send(request.POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"br.twice\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(header[0]).isEqualTo(415);
                assertThat(r.body()).contains("unsupported_media_type").contains(header[0] + " once");
            }
            assertThat(acme.get("/v1/events?event_type=br").json().get("events")).isEmpty();
        }
    }

    @Test
    void twoDifferentKeysInOneRequestAreRefused() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            ApiClient beta = server.tenant("beta");
            int port = URI.create(server.baseUrl()).getPort();
            String twoBearers = raw(port, "GET /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + acme.key()
                    + "\r\nAuthorization: Bearer " + beta.key() + "\r\nConnection: close\r\n\r\n");
            assertThat(twoBearers).startsWith("HTTP/1.1 401").contains("more than one");
            String bearerAndHeader = raw(port, "GET /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + acme.key()
                    + "\r\nX-API-Key: " + beta.key() + "\r\nConnection: close\r\n\r\n");
            assertThat(bearerAndHeader).startsWith("HTTP/1.1 401");
            String sameKeyTwice = raw(port, "GET /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + acme.key()
                    + "\r\nX-API-Key: " + acme.key() + "\r\nConnection: close\r\n\r\n");
            assertThat(sameKeyTwice).startsWith("HTTP/1.1 200");
        }
    }
}
