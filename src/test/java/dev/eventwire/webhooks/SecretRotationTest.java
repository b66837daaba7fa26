package dev.eventwire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.MutableClock;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.ReferenceVerifier;
import dev.eventwire.support.StandardWebhooks;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating a webhook's secret: both signatures during the overlap, only the new one after it, across a restart. */
class SecretRotationTest {
    @TempDir
    Path dir;

    static String event(String id) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\"}";
    }

    Receiver.Received deliveredOnce(Receiver receiver, String eventId) {
        Receiver.await(() -> !receiver.receivedFor(eventId).isEmpty(), Duration.ofSeconds(10), eventId + " delivered");
        return receiver.receivedFor(eventId).getFirst();
    }

    @Test
    void duringTheOverlapBothSecretsVerifyAndAfterItOnlyTheNewOne() {
        MutableClock clock = MutableClock.startingNow();
        try (Receiver receiver = new Receiver()) {
            String id;
            String oldSecret;
            String newSecret;
            try (TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c)) {
                ApiClient acme = server.tenant("acme");
                ApiClient.Response created = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}");
                id = created.json().get("id").asText();
                oldSecret = created.json().get("secret").asText();

                acme.post("/v1/events", event("before"));
                Receiver.Received before = deliveredOnce(receiver, "before");
                assertThat(before.header("webhook-signature").split(" ")).hasSize(1);
                assertThat(StandardWebhooks.verifies(oldSecret, before)).isTrue();

                ApiClient.Response rotated = acme.post("/v1/webhooks/" + id + "/secret/rotate", "{\"previous_valid_for\":\"1h\"}");
                assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
                newSecret = rotated.json().get("secret").asText();
                assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
                assertThat(acme.get("/v1/webhooks/" + id + "/secret").json().get("secret").asText()).isEqualTo(newSecret);

                acme.post("/v1/events", event("during"));
                Receiver.Received during = deliveredOnce(receiver, "during");
                assertThat(during.header("webhook-signature").split(" ")).as("new, then previous").hasSize(2);
                assertThat(StandardWebhooks.verifies(newSecret, during)).as("verifies with the new secret").isTrue();
                assertThat(StandardWebhooks.verifies(oldSecret, during)).as("and with the old one").isTrue();
                ReferenceVerifier reference = ReferenceVerifier.install();
                assertThat(reference.verifies(newSecret, during)).as("the npm standardwebhooks library, new secret").isTrue();
                assertThat(reference.verifies(oldSecret, during)).as("the npm standardwebhooks library, old secret").isTrue();
                assertThat(reference.verifies("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]), during))
                        .as("and it refuses another secret").isFalse();
            }
            // The overlap is stored with the webhook: it survives a restart.
            try (TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c)) {
                ApiClient acme = server.withKey(server.tenant("acme").key());
                acme.post("/v1/events", event("restarted"));
                Receiver.Received restarted = deliveredOnce(receiver, "restarted");
                assertThat(StandardWebhooks.verifies(oldSecret, restarted)).isTrue();
                assertThat(StandardWebhooks.verifies(newSecret, restarted)).isTrue();

                clock.advance(Duration.ofMinutes(61));
                acme.post("/v1/events", event("after"));
                Receiver.Received after = deliveredOnce(receiver, "after");
                assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
                assertThat(StandardWebhooks.verifies(newSecret, after)).isTrue();
                assertThat(StandardWebhooks.verifies(oldSecret, after)).as("the old secret no longer signs").isFalse();
            }
        }
    }

    @Test
    void aRotationWithoutOverlapSwitchesAtOnceAndBadOverlapsAreRefused() {
        MutableClock clock = MutableClock.startingNow();
        try (Receiver receiver = new Receiver(); TestServer server = TestServer.withLoopbackReceivers(dir, clock, c -> c)) {
            ApiClient acme = server.tenant("acme");
            ApiClient.Response created = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/r") + "\"}");
            String id = created.json().get("id").asText();
            String oldSecret = created.json().get("secret").asText();
            for (String bad : new String[] {"{\"previous_valid_for\":\"forever\"}", "{\"previous_valid_for\":\"31d\"}", "{\"previous_valid_for\":5}",
                    "{\"previous_valid_for\":\"99999999999999999999d\"}", "{\"previous_valid_for\":\"-1h\"}", "{\"overlap\":\"1h\"}",
                    "{\"previous_valid_for\":\" 24h\"}", "{\"previous_valid_for\":\"24h \"}", "{\"previous_valid_for\":\"24 h\"}",
                    "null", "[]", "\"1h\""}) {
                ApiClient.Response r = acme.post("/v1/webhooks/" + id + "/secret/rotate", bad);
                assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(422);
                assertThat(r.json().get("error").has("code")).isTrue();
            }
            assertThat(acme.get("/v1/webhooks/" + id + "/secret").json().get("secret").asText()).as("nothing changed").isEqualTo(oldSecret);
            assertThat(acme.post("/v1/webhooks/wh_nope/secret/rotate", "{}").status()).isEqualTo(404);
            assertThat(server.tenant("other").post("/v1/webhooks/" + id + "/secret/rotate", "{}").status()).as("another tenant's webhook").isEqualTo(404);

            String newSecret = acme.post("/v1/webhooks/" + id + "/secret/rotate", "{\"previous_valid_for\":\"0s\"}").json().get("secret").asText();
            acme.post("/v1/events", event("now"));
            Receiver.Received now = deliveredOnce(receiver, "now");
            assertThat(StandardWebhooks.verifies(newSecret, now)).isTrue();
            assertThat(StandardWebhooks.verifies(oldSecret, now)).isFalse();
            assertThat(acme.post("/v1/webhooks/" + id + "/secret/rotate", "").status()).as("no body: the default overlap").isEqualTo(200);
        }
    }
}
