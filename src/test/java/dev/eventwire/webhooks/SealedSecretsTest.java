package dev.eventwire.webhooks;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.ServeConfig;
import dev.eventwire.store.SecretSeal;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.StandardWebhooks;
import dev.eventwire.support.StoreConfigurationException;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook secrets sealed at rest with EVENTWIRE_SECRET_KEY, on the embedded store: what the files hold, what clients see. */
class SealedSecretsTest {
    private static final String K1 = key(1);
    private static final String K2 = key(2);

    @TempDir
    Path dir;

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private TestServer server(String current, String previous) {
        SecretSeal seal = SecretSeal.fromKeys(Optional.ofNullable(current), Optional.ofNullable(previous));
        return TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withStorage(new ServeConfig.Storage(Optional.empty(), "test", seal)));
    }

    @Test
    void secretsStoredBeforeAKeyAreSealedAtTheNextStartAndKeepSigningThroughARotation() throws Exception {
        Created created = createdBy(null);
        String hook = created.id();
        String first = created.secret();
        assertThat(storedSecrets().get(hook)).as("no key: stored as it is").isEqualTo(first);

        String second;
        try (Receiver receiver = new Receiver(); TestServer sealed = server(K1, null)) {
            ApiClient acme = sealed.tenant("acme");
            assertThat(acme.get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(first);
            second = acme.post("/v1/webhooks/" + hook + "/secret/rotate", "{}").json().get("secret").asText();
            acme.patch("/v1/webhooks/" + hook, "{\"url\":\"" + receiver.url("/r") + "\"}");
            acme.post("/v1/events", "{\"event_id\":\"s-1\",\"event_type\":\"order.created\"}");
            await(() -> receiver.received().size() == 1, Duration.ofSeconds(10), "delivered");
            Receiver.Received got = receiver.received().get(0);
            assertThat(got.header("webhook-signature").split(" ")).hasSize(2);
            assertThat(StandardWebhooks.verifies(first, got)).as("signed with the secret stored before the key").isTrue();
            assertThat(StandardWebhooks.verifies(second, got)).isTrue();
        }
        try (Connection c = files(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT secret, previous_secret FROM webhooks")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("sealed:v1:").doesNotContain(second.substring("whsec_".length()));
            assertThat(rs.getString(2)).startsWith("sealed:v1:").doesNotContain(first.substring("whsec_".length()));
        }
    }

    @Test
    void aStartWithoutTheKeyStopsWithWhatToDoAndANewKeyTakesOverWithThePreviousOne() throws Exception {
        Created created = createdBy(K1);
        String hook = created.id();
        String secret = created.secret();
        String byK1 = storedSecrets().get(hook);
        assertThatThrownBy(() -> server(null, null)).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("EVENTWIRE_SECRET_KEY is not set");
        assertThatThrownBy(() -> server(K2, null)).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("neither EVENTWIRE_SECRET_KEY nor EVENTWIRE_SECRET_KEY_PREVIOUS");
        assertThat(storedSecrets().get(hook)).as("the failed starts changed nothing").isEqualTo(byK1);

        // The new key with the old one as previous: the secret opens, and is sealed again with the new key at start.
        try (TestServer rotated = server(K2, K1)) {
            assertThat(rotated.tenant("acme").get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(secret);
        }
        String byK2 = storedSecrets().get(hook);
        assertThat(byK2).startsWith("sealed:v1:").isNotEqualTo(byK1);
        assertThat(byK2.split(":")[2]).as("the key id").isNotEqualTo(byK1.split(":")[2]);
        // Once every secret is sealed with it, the new key alone is enough.
        try (TestServer alone = server(K2, null)) {
            assertThat(alone.tenant("acme").get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(secret);
        }
    }

    /**
     * Replicas that ran without a key take one in two rolling steps: first as previous key only (opens what
     * it sealed, seals nothing), then as the current key. A replica still on the first step reads the rows
     * the first replica on the second step sealed; before, a previous key alone was refused at start, and a
     * replica without a key failed on every sealed row.
     */
    @Test
    void aPreviousKeyAloneOpensWhatItSealedAndStoresNewSecretsAsTheyAre() throws Exception {
        Created before = createdBy(null);
        try (TestServer firstStep = server(null, K1)) {
            ApiClient acme = firstStep.tenant("acme");
            assertThat(acme.get("/v1/webhooks/" + before.id() + "/secret").json().get("secret").asText()).isEqualTo(before.secret());
        }
        assertThat(storedSecrets().get(before.id())).as("nothing sealed on the first step").isEqualTo(before.secret());

        // Another replica on the second step seals every row; one still on the first step opens them and signs with them.
        try (TestServer secondStep = server(K1, null)) {
            assertThat(secondStep.anonymous().get("/health").status()).isEqualTo(200);
        }
        assertThat(storedSecrets().get(before.id())).startsWith("sealed:v1:");
        String added;
        try (Receiver receiver = new Receiver(); TestServer firstStep = server(null, K1)) {
            ApiClient acme = firstStep.tenant("acme");
            assertThat(acme.get("/v1/webhooks/" + before.id() + "/secret").json().get("secret").asText()).isEqualTo(before.secret());
            acme.patch("/v1/webhooks/" + before.id(), "{\"url\":\"" + receiver.url("/r") + "\"}");
            acme.post("/v1/events", "{\"event_id\":\"p-1\",\"event_type\":\"order.created\"}");
            await(() -> receiver.received().size() == 1, Duration.ofSeconds(10), "delivered");
            assertThat(StandardWebhooks.verifies(before.secret(), receiver.received().get(0))).isTrue();
            added = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/added\"}").json().get("id").asText();
        }
        assertThat(storedSecrets().get(before.id())).as("left sealed by a change of its URL").startsWith("sealed:v1:");
        String rotated;
        try (TestServer firstStep = server(null, K1)) {
            rotated = firstStep.tenant("acme").post("/v1/webhooks/" + before.id() + "/secret/rotate", "{}").json().get("secret").asText();
        }
        try (Connection c = files(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT secret, previous_secret FROM webhooks WHERE id = '" + before.id() + "'")) {
            rs.next();
            assertThat(rs.getString(1)).as("the new secret, made without a current key").isEqualTo(rotated);
            assertThat(rs.getString(2)).as("the old one stays sealed as the previous secret").startsWith("sealed:v1:");
        }
        assertThat(storedSecrets().get(added)).as("a secret made without a current key").startsWith("whsec_");
        try (TestServer secondStep = server(K1, null)) {
            assertThat(secondStep.anonymous().get("/health").status()).isEqualTo(200);
        }
        assertThat(storedSecrets().get(added)).startsWith("sealed:v1:");
    }

    @Test
    void anInactiveWebhooksDamagedSecretStopsTheStartInsteadOfFailingTheTenantsRequests() throws Exception {
        Created created = createdBy(K1);
        String stored = storedSecrets().get(created.id());
        // One character of the ciphertext changed, and the webhook switched off, in the stopped server's file.
        char last = stored.charAt(stored.length() - 2);
        String damaged = stored.substring(0, stored.length() - 2) + (last == 'A' ? 'B' : 'A') + stored.charAt(stored.length() - 1);
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("eventwire.duckdb"));
             java.sql.PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET secret = ?, active = false WHERE id = ?")) {
            ps.setString(1, damaged);
            ps.setString(2, created.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThatThrownBy(() -> server(K1, null)).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("does not open with key").hasMessageContaining("altered or damaged");
    }

    private record Created(String id, String secret) {
    }

    /** A webhook created by a server started with {@code key} (none: null), then stopped. */
    private Created createdBy(String key) {
        try (TestServer server = server(key, null)) {
            ApiClient acme = server.tenant("acme");
            String id = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/hook\"}").json().get("id").asText();
            return new Created(id, acme.get("/v1/webhooks/" + id + "/secret").json().get("secret").asText());
        }
    }

    /** The webhooks' stored secret column by id, read from the event log file of the stopped server. */
    private Map<String, String> storedSecrets() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = files(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, secret FROM webhooks")) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    private Connection files() throws Exception {
        Class.forName("org.duckdb.DuckDBDriver");
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("eventwire.duckdb"), readOnly);
    }
}
