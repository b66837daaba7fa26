package dev.eventwire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookApiTest {
    @TempDir
    Path dir;
    TestServer server;
    ApiClient acme;

    @BeforeEach
    void start() {
        server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c);
        acme = server.tenant("acme");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createShowsTheSecretOnceAndTheWebhookShape() {
        ApiClient.Response created = acme.post("/v1/webhooks",
                "{\"url\":\"http://127.0.0.1:9/hook\",\"description\":\"orders\",\"filters\":{\"event_types\":[\"order\"],\"min_amount\":25.5}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode w = created.json();
        String secret = w.get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(w.get("id").asText()).startsWith("wh_");
        assertThat(w.get("active").asBoolean()).isTrue();
        assertThat(w.get("disabled_reason").isNull()).isTrue();
        assertThat(w.get("filters").toString()).isEqualTo("{\"event_types\":[\"order\"],\"min_amount\":25.5}");
        for (String f : List.of("id", "url", "description", "filters", "active", "disabled_reason", "created_at", "updated_at")) {
            assertThat(w.has(f)).as(f).isTrue();
        }

        String id = w.get("id").asText();
        assertThat(acme.get("/v1/webhooks/" + id).json().has("secret")).isFalse();
        assertThat(acme.get("/v1/webhooks").body()).doesNotContain(secret);
        assertThat(acme.get("/v1/webhooks/" + id + "/secret").json().get("secret").asText()).isEqualTo(secret);
    }

    @Test
    void patchChangesFieldsAndListShowsActiveAndDisabled() {
        String a = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\"}").json().get("id").asText();
        String b = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/b\"}").json().get("id").asText();
        JsonNode patched = acme.patch("/v1/webhooks/" + a, "{\"url\":\"http://127.0.0.1:9/a2\",\"description\":\"x\",\"filters\":{\"entity_ids\":[\"o1\"]}}").json();
        assertThat(patched.get("url").asText()).isEqualTo("http://127.0.0.1:9/a2");
        assertThat(patched.get("description").asText()).isEqualTo("x");
        assertThat(patched.get("filters").get("entity_ids").get(0).asText()).isEqualTo("o1");
        JsonNode off = acme.patch("/v1/webhooks/" + b, "{\"active\":false}").json();
        assertThat(off.get("active").asBoolean()).isFalse();
        assertThat(off.get("disabled_reason").asText()).isNotBlank();
        assertThat(acme.get("/v1/webhooks").json().get("webhooks").findValuesAsText("id")).containsExactlyInAnyOrder(a, b);
        JsonNode on = acme.patch("/v1/webhooks/" + b, "{\"active\":true}").json();
        assertThat(on.get("active").asBoolean()).isTrue();
        assertThat(on.get("disabled_reason").isNull()).isTrue();
        assertThat(acme.patch("/v1/webhooks/" + b, "{\"secret\":\"mine\"}").status()).isEqualTo(422);
        assertThat(acme.patch("/v1/webhooks/wh_missing", "{\"active\":true}").status()).isEqualTo(404);
    }

    @Test
    void repeatedFilterEntriesAreKeptOnceInTheOrderFirstGiven() {
        JsonNode created = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\","
                + "\"filters\":{\"event_types\":[\"order\",\"payment\",\"order\"],\"entity_ids\":[\"o2\",\"o1\",\"o2\",\"o2\"]}}").json();
        assertThat(created.get("filters").toString()).isEqualTo("{\"event_types\":[\"order\",\"payment\"],\"entity_ids\":[\"o2\",\"o1\"]}");
        String path = "/v1/webhooks/" + created.get("id").asText();
        assertThat(acme.patch(path, "{\"filters\":{\"event_types\":[\"page_view\",\"page_view\"]}}").json().get("filters").toString())
                .isEqualTo("{\"event_types\":[\"page_view\"]}");
        assertThat(acme.get(path).json().get("filters").toString()).isEqualTo("{\"event_types\":[\"page_view\"]}");
    }

    @Test
    void aPatchThatChangesNothingLeavesUpdatedAtWhereItWas() {
        JsonNode created = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\",\"description\":\"orders\","
                + "\"filters\":{\"event_types\":[\"order\"]},\"rate_limit\":5}").json();
        String path = "/v1/webhooks/" + created.get("id").asText();
        String since = created.get("updated_at").asText();
        for (String same : List.of("{}", "{\"description\":\"orders\"}", "{\"active\":true,\"url\":\"http://127.0.0.1:9/a\"}",
                "{\"filters\":{\"event_types\":[\"order\"]},\"rate_limit\":5,\"ordering\":\"none\"}")) {
            ApiClient.Response r = acme.patch(path, same);
            assertThat(r.status()).as(same).isEqualTo(200);
            assertThat(r.json().get("updated_at").asText()).as(same).isEqualTo(since);
        }
        assertThat(acme.get(path).json().get("updated_at").asText()).isEqualTo(since);

        JsonNode changed = acme.patch(path, "{\"description\":\"all orders\"}").json();
        assertThat(changed.get("description").asText()).isEqualTo("all orders");
        assertThat(java.time.Instant.parse(changed.get("updated_at").asText())).isAfter(java.time.Instant.parse(since));
        assertThat(acme.get(path).json().get("updated_at").asText()).isEqualTo(changed.get("updated_at").asText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}|missing_field|url",
            "{\"url\":5}|invalid_type|url",
            "{\"url\":\"ftp://127.0.0.1/x\"}|invalid_url|url",
            "{\"url\":\"/relative\"}|invalid_url|url",
            "{\"url\":\"http://\"}|invalid_url|url",
            "{\"url\":\"http://127.0.0.1:9/\\u202eevil\\u202c/x\"}|invalid_url|url",
            "{\"url\":\"http://127.0.0.1:9/x?\\u2066a\\u2069\"}|invalid_url|url",
            "{\"url\":\"http://127.0.0.1:9/x\",\"secret\":\"s\"}|unknown_field|secret",
            "{\"url\":\"http://127.0.0.1:9/x\",\"filters\":[]}|invalid_type|filters",
            "{\"url\":\"http://127.0.0.1:9/x\",\"filters\":{\"event_types\":\"order\"}}|invalid_type|filters.event_types",
            "{\"url\":\"http://127.0.0.1:9/x\",\"filters\":{\"event_types\":[\"Order\"]}}|invalid_format|filters.event_types",
            "{\"url\":\"http://127.0.0.1:9/x\",\"filters\":{\"min_amount\":\"10\"}}|invalid_type|filters.min_amount",
            "{\"url\":\"http://127.0.0.1:9/x\",\"filters\":{\"colour\":[]}}|unknown_field|filters.colour",
            "{\"url\":\"http://10.0.0.1/x\"}|egress_denied|url",
            "{\"url\":\"http://169.254.169.254/latest\"}|egress_denied|url",
            "{\"url\":\"http://[::1]:8080/x\"}|egress_denied|url",
            "{\"url\":\"http://does-not-exist.invalid/x\"}|egress_denied|url"})
    void invalidWebhooksAre422(String body, String code, String field) {
        ApiClient.Response r = acme.post("/v1/webhooks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("error").get("field").asText()).isEqualTo(field);
    }

    /** An oversized filter entry is refused with a short answer, not with the entry sent back in it. */
    @Test
    void anOversizedEventTypeFilterIsNotEchoed() {
        String id = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\"}").json().get("id").asText();
        ApiClient.Response r = acme.patch("/v1/webhooks/" + id, "{\"filters\":{\"event_types\":[\"" + "a".repeat(1_000_000) + "\"]}}");
        assertThat(r.status()).as(r.body().substring(0, Math.min(200, r.body().length()))).isEqualTo(422);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("invalid_format");
        assertThat(r.json().get("error").get("message").asText()).isEqualTo("An event type or prefix is at most 128 characters; one has 1000000.");
        assertThat(r.body().length()).isLessThan(300);
    }

    /** A field name may be 50,000 characters long: the answer names it by its start and length, not whole. */
    @Test
    void aLongUnknownFieldNameIsNotEchoedWhole() {
        String name = "f".repeat(40_000);
        ApiClient.Response create = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\",\"" + name + "\":1}");
        assertThat(create.status()).isEqualTo(422);
        assertThat(create.json().get("error").get("code").asText()).isEqualTo("unknown_field");
        assertThat(create.json().get("error").get("field").asText()).isEqualTo("f".repeat(64) + "… (40000 characters)");
        assertThat(create.body().length()).isLessThan(400);
        ApiClient.Response filter = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\",\"filters\":{\"" + name + "\":[]}}");
        assertThat(filter.json().get("error").get("field").asText()).isEqualTo("filters." + "f".repeat(64) + "… (40000 characters)");
        assertThat(filter.body().length()).isLessThan(400);
        assertThat(acme.get("/v1/webhooks").json().get("webhooks")).isEmpty();
    }

    @Test
    void anInternationalisedHostIsAskedForInItsAsciiForm() {
        for (String url : new String[]{"https://b\u00fccher.example/hook", "https://b\u00fccher.example:8443/hook"}) {
            ApiClient.Response r = acme.post("/v1/webhooks", "{\"url\":\"" + url + "\"}");
            assertThat(r.status()).as(url).isEqualTo(422);
            assertThat(r.json().get("error").get("message").asText()).contains("xn--", "xn--bcher-kva.example");
        }
    }

    @Test
    void urlLongerThan2048IsRefused() {
        String url = "http://127.0.0.1:9/" + "a".repeat(2048);
        assertThat(acme.post("/v1/webhooks", "{\"url\":\"" + url + "\"}").json().get("error").get("code").asText()).isEqualTo("invalid_length");
    }

    /** Lengths count code points, as for every other text: a URL of 2048 emoji-laden characters is 4,000-odd UTF-16 units. */
    @Test
    void aUrlOf2048CharactersBeyondTheBasicPlaneIsAccepted() {
        String prefix = "http://127.0.0.1:9/";
        String fits = prefix + "\ud83d\ude00".repeat(2048 - prefix.length());
        ApiClient.Response r = acme.post("/v1/webhooks", "{\"url\":\"" + fits + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(acme.post("/v1/webhooks", "{\"url\":\"" + fits + "x\"}").json().get("error").get("code").asText()).isEqualTo("invalid_length");
    }

    @Test
    void withoutTheAllowListLoopbackIsRefusedAtRegistration(@TempDir Path other) {
        try (TestServer strict = TestServer.start(other)) {
            ApiClient client = strict.tenant("acme");
            ApiClient.Response r = client.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/x\"}");
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("egress_denied");
            assertThat(client.post("/v1/webhooks", "{\"url\":\"http://localhost:9/x\"}").status()).isEqualTo(422);
        }
    }

    @Test
    void webhooksSurviveARestart() {
        String id = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/a\",\"filters\":{\"event_types\":[\"order\"]}}").json().get("id").asText();
        String before = acme.get("/v1/webhooks/" + id).body();
        server.close();
        server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c);
        assertThat(server.withKey(acme.key()).get("/v1/webhooks/" + id).body()).isEqualTo(before);
    }
}
