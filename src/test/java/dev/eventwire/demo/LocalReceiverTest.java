package dev.eventwire.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.delivery.Signer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both kinds of receiver answer real requests on loopback, verify their signatures and report each one. */
class LocalReceiverTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /** A receiver of either kind, answering 200, verifying with {@link #SECRET}, reporting into {@code receipts}. */
    private static LocalReceiver receiver(boolean inline, List<LocalReceiver.Receipt> receipts) {
        LocalReceiver receiver = inline ? LocalReceiver.answeringInline(() -> 200, receipts::add) : new LocalReceiver(() -> 200, receipts::add);
        receiver.verifyWith(SECRET);
        return receiver;
    }

    @ParameterizedTest(name = "answering inline: {0}")
    @ValueSource(booleans = {true, false})
    void aSignedRequestWhoseBodyArrivesLaterIsAnsweredAndReportedAsValid(boolean inline) throws Exception {
        List<LocalReceiver.Receipt> receipts = new CopyOnWriteArrayList<>();
        try (LocalReceiver receiver = receiver(inline, receipts)) {
            String body = "{\"event_id\":\"evt_1\",\"event_type\":\"order.created\",\"data\":{}}";
            String signature = new Signer().sign(SECRET, "msg_1", 1_700_000_000L, body);
            try (Socket socket = new Socket("127.0.0.1", receiver.port())) {
                OutputStream out = socket.getOutputStream();
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                out.write(("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nwebhook-id: msg_1\r\nwebhook-timestamp: 1700000000\r\nwebhook-signature: "
                        + signature + "\r\neventwire-attempt: 2\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes, 0, 10);
                out.flush();
                Thread.sleep(200); // the rest of the body comes in a later read: the handler must wait for it, not fail
                out.write(bytes, 10, bytes.length - 10);
                out.flush();
                String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertThat(statusLine).isEqualTo("HTTP/1.1 200 OK");
            }
            assertThat(receipts).singleElement().satisfies(r -> {
                assertThat(r.eventId()).isEqualTo("evt_1");
                assertThat(r.messageId()).isEqualTo("msg_1");
                assertThat(r.attempt()).isEqualTo(2);
                assertThat(r.signatureValid()).isTrue();
            });
            assertThat(receiver.badSignatures()).isZero();
        }
    }

    @ParameterizedTest(name = "answering inline: {0}")
    @ValueSource(booleans = {true, false})
    void aRequestSignedWithAnotherSecretIsCountedAsBad(boolean inline) throws Exception {
        List<LocalReceiver.Receipt> receipts = new CopyOnWriteArrayList<>();
        try (LocalReceiver receiver = receiver(inline, receipts)) {
            String body = "{\"event_id\":\"evt_2\"}";
            String forged = new Signer().sign("whsec_c2VjcmV0LW9mLXNvbWVib2R5LWVsc2U=", "msg_2", 1_700_000_000L, body);
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(receiver.url("/hook")))
                            .header("webhook-id", "msg_2").header("webhook-timestamp", "1700000000").header("webhook-signature", forged)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(receiver.badSignatures()).isEqualTo(1);
            assertThat(receipts).singleElement().satisfies(r -> assertThat(r.signatureValid()).isFalse());
        }
    }

    /**
     * A path's requests are checked against the secret that verified its last one first, then every other:
     * a request signed with another known secret is still valid, one signed with an unknown secret is still
     * bad, and the path's first secret verifies again after both.
     */
    @ParameterizedTest(name = "answering inline: {0}")
    @ValueSource(booleans = {true, false})
    void everyKnownSecretVerifiesWhicheverVerifiedThePathsLastRequest(boolean inline) throws Exception {
        String other = "whsec_b3RoZXItc2VjcmV0LW9mLXRoaXMtcmVjZWl2ZXI=";
        String unknown = "whsec_c2VjcmV0LW9mLXNvbWVib2R5LWVsc2U=";
        List<LocalReceiver.Receipt> receipts = new CopyOnWriteArrayList<>();
        try (LocalReceiver receiver = receiver(inline, receipts)) {
            receiver.verifyWith(other);
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            int n = 0;
            for (String secret : List.of(SECRET, other, unknown, SECRET, SECRET)) {
                String body = "{\"event_id\":\"evt_" + (++n) + "\"}";
                String signature = new Signer().sign(secret, "msg_" + n, 1_700_000_000L, body);
                java.net.http.HttpResponse<String> response = client.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(receiver.url("/hook")))
                                .header("webhook-id", "msg_" + n).header("webhook-timestamp", "1700000000").header("webhook-signature", signature)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            assertThat(receipts).extracting(LocalReceiver.Receipt::signatureValid).containsExactly(true, true, false, true, true);
            assertThat(receiver.badSignatures()).isEqualTo(1);
        }
    }
}
