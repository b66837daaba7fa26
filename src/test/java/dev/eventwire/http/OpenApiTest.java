package dev.eventwire.http;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /openapi.json is the shipped document; it is valid OpenAPI 3.1, names exactly the routes the
 * router has (both ways), and every route, called for real, answers what the document says.
 */
class OpenApiTest {
    static final Duration WAIT = Duration.ofSeconds(60); // a bound for a starved machine: each wait ends as soon as its state is seen
    final OpenApiDocument doc = new OpenApiDocument();

    @TempDir
    Path dir;

    @Test
    void theDocumentIsValidOpenApi31() {
        SwaggerParseResult result = parse(doc.text());
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        // The validator does catch a broken document (so an empty list above means something).
        assertThat(parse(doc.text().replaceFirst("\"info\"", "\"infos\"")).getMessages()).isNotEmpty();
    }

    private static SwaggerParseResult parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(text, null, options);
    }

    /**
     * Every /v1 route of the router is in the document and every /v1 operation of the document is routed;
     * the few operator routes it documents besides (/health, /metrics, /openapi.json) are routed too. Pages
     * that are not API (the web console) are left out on purpose.
     */
    @Test
    void theDocumentNamesExactlyTheApiRoutesOfTheRouter() {
        try (TestServer server = TestServer.start(dir)) {
            Set<String> router = server.app().routes().stream().map(r -> r.method() + " " + r.path()).collect(Collectors.toCollection(TreeSet::new));
            Set<String> routedApi = router.stream().filter(OpenApiTest::isApi).collect(Collectors.toCollection(TreeSet::new));
            Set<String> documentedApi = doc.operations().stream().filter(OpenApiTest::isApi).collect(Collectors.toCollection(TreeSet::new));
            assertThat(routedApi).hasSizeGreaterThan(20); // the router's routes were really collected
            assertThat(documentedApi).as("documented but not routed").isSubsetOf(routedApi);
            assertThat(routedApi).as("routed but not documented").isSubsetOf(documentedApi);
            assertThat(doc.operations()).as("every documented operation is routed").isSubsetOf(router);
            assertThat(doc.operations()).contains("GET /health", "GET /metrics", "GET /openapi.json");
        }
    }

    private static boolean isApi(String operation) {
        return operation.split(" ", 2)[1].startsWith("/v1/");
    }

    @Test
    void servedDocumentIsTheShippedOne() {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient.Response r = server.anonymous().get("/openapi.json");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body()).isEqualTo(doc.text());
        }
    }

    /** One real call per documented operation; each answer must have the documented status and match its schema. */
    @Test
    void everyRouteAnswersAsDocumented(@TempDir Path backups) {
        Set<String> exercised = new TreeSet<>();
        try (Receiver ok = new Receiver(); Receiver failing = new Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withRetrySchedule(List.of(Duration.ofMillis(100))))) {
            failing.answerStatus(500);
            Calls calls = new Calls(doc, exercised);
            ApiClient admin = server.admin();
            ApiClient anyone = server.anonymous();

            calls.check("GET /health", 200, anyone.get("/health"));
            ApiClient.Response metrics = anyone.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(doc.response("GET /metrics", 200).at("/content").has("text/plain")).isTrue();
            assertThat(metrics.header("Content-Type")).startsWith("text/plain");
            exercised.add("GET /metrics");
            calls.check("GET /openapi.json", 200, anyone.get("/openapi.json"));

            ApiClient.Response key = calls.check("POST /v1/admin/keys", 201, admin.post("/v1/admin/keys", calls.body("POST /v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"backend\"}", true)));
            ApiClient acme = server.withKey(key.json().get("key").asText());
            calls.check("GET /v1/admin/keys", 200, admin.get("/v1/admin/keys"));
            calls.check("GET /v1/admin/replicas", 200, admin.get("/v1/admin/replicas"));
            calls.check("POST /v1/admin/backups", 201, admin.post("/v1/admin/backups", calls.body("POST /v1/admin/backups",
                    "{\"to\":\"" + backups.resolve("first") + "\"}", true)));
            calls.check("POST /v1/admin/backups", 409, admin.post("/v1/admin/backups", "{\"to\":\"" + backups.resolve("first") + "\"}"));
            calls.body("POST /v1/admin/backups", "{\"to\":\"/b\",\"at\":1}", false);

            String okHook = calls.check("POST /v1/webhooks", 201, acme.post("/v1/webhooks", calls.body("POST /v1/webhooks", "{\"url\":\"" + ok.url("/orders")
                    + "\",\"description\":null,\"filters\":{\"event_types\":[\"order\"],\"entity_ids\":[\"o-1\"],\"min_amount\":10},\"rate_limit\":null}", true))).json().get("id").asText();
            String failHook = acme.post("/v1/webhooks", "{\"url\":\"" + failing.url("/payments") + "\",\"filters\":{\"event_types\":[\"payment\"]}}")
                    .json().get("id").asText();
            calls.check("GET /v1/webhooks", 200, acme.get("/v1/webhooks?limit=1"));
            calls.check("GET /v1/webhooks/{id}", 200, acme.get("/v1/webhooks/" + okHook));
            calls.check("PATCH /v1/webhooks/{id}", 200, acme.patch("/v1/webhooks/" + okHook, calls.body("PATCH /v1/webhooks/{id}", "{\"description\":\"orders of o-1\",\"rate_limit\":50}", true)));
            calls.check("GET /v1/webhooks/{id}/secret", 200, acme.get("/v1/webhooks/" + okHook + "/secret"));
            calls.check("POST /v1/webhooks/{id}/secret/rotate", 200, acme.post("/v1/webhooks/" + okHook + "/secret/rotate",
                    calls.body("POST /v1/webhooks/{id}/secret/rotate", "{\"previous_valid_for\":\"90m\"}", true)));
            calls.check("POST /v1/webhooks/{id}/test", 200, acme.post("/v1/webhooks/" + okHook + "/test", ""));

            calls.check("POST /v1/events", 202, acme.post("/v1/events", calls.body("POST /v1/events",
                    "{\"event_id\":\"ord-1\",\"event_type\":\"order.created\",\"entity_id\":\"o-1\",\"data\":{\"total_amount\":42.5,\"session_id\":\"s-9\"}}", true)));
            calls.check("POST /v1/events", 200, acme.post("/v1/events", calls.body("POST /v1/events", "{\"events\":["
                    + "{\"event_id\":\"pay-1\",\"event_type\":\"payment.failed\",\"occurred_at\":\"2026-01-31T12:00:00Z\",\"data\":{\"amount\":5}},"
                    + "{\"event_id\":\"ord-1\",\"event_type\":\"order.created\"},{\"event_type\":\"Not A Type\"}]}", true)));
            calls.check("POST /v1/events", 200, acme.post("/v1/events", "{\"event_id\":\"ord-1\",\"event_type\":\"order.created\"}"));
            calls.check("GET /v1/events", 200, acme.get("/v1/events?event_type=order&limit=1"));
            calls.check("GET /v1/events/{event_id}", 200, acme.get("/v1/events/ord-1"));
            calls.check("GET /v1/rejected-events", 200, acme.get("/v1/rejected-events"));
            calls.check("GET /v1/event-types", 200, acme.get("/v1/event-types"));

            awaitStatus(acme, okHook, "ord-1", "delivered");
            awaitStatus(acme, failHook, "pay-1", "dead");
            calls.check("GET /v1/webhooks/{id}/deliveries", 200, acme.get("/v1/webhooks/" + failHook + "/deliveries?status=dead"));
            calls.check("GET /v1/webhooks/{id}/deliveries/{event_id}", 200, acme.get("/v1/webhooks/" + failHook + "/deliveries/pay-1"));
            calls.check("GET /v1/webhooks/{id}/logs", 200, acme.get("/v1/webhooks/" + failHook + "/logs?limit=5"));
            calls.check("POST /v1/webhooks/{id}/deliveries/{event_id}/retry", 202, acme.post("/v1/webhooks/" + failHook + "/deliveries/pay-1/retry", ""));
            awaitStatus(acme, failHook, "pay-1", "dead");
            calls.check("POST /v1/webhooks/{id}/recover", 202, acme.post("/v1/webhooks/" + failHook + "/recover",
                    calls.body("POST /v1/webhooks/{id}/recover", "{\"since\":\"" + Instant.now().minusSeconds(3600) + "\"}", true)));

            calls.check("POST /v1/webhooks/{id}/replay", 202, acme.post("/v1/webhooks/" + okHook + "/replay",
                    calls.body("POST /v1/webhooks/{id}/replay", "{\"since\":\"" + Instant.now().minusSeconds(3600) + "\",\"until\":null}", true)));
            calls.check("GET /v1/metrics", 200, acme.get("/v1/metrics"));
            calls.check("GET /v1/metrics/{name}", 200, acme.get("/v1/metrics/revenue?window=24h"));
            calls.check("GET /v1/metrics/{name}", 200, acme.get("/v1/metrics/conversion_rate?window=5m&as_of=2026-01-31T12:00:00Z"));

            calls.check("DELETE /v1/webhooks/{id}", 204, acme.delete("/v1/webhooks/" + okHook));
            calls.check("DELETE /v1/admin/keys/{id}", 204, admin.delete("/v1/admin/keys/" + key.json().get("id").asText()));

            // Error answers match the documented error body too.
            calls.check("GET /v1/events", 401, acme.get("/v1/events"));
            calls.check("GET /v1/webhooks", 403, admin.get("/v1/webhooks"));
            ApiClient other = server.tenant("other");
            calls.check("GET /v1/events/{event_id}", 404, other.get("/v1/events/ord-1"));
            calls.check("POST /v1/events", 400, other.post("/v1/events", "{\"event_type\":"));
            calls.check("POST /v1/events", 422, other.post("/v1/events", calls.body("POST /v1/events", "{\"event_type\":\"order\",\"colour\":\"red\"}", false)));
            calls.check("GET /v1/metrics/{name}", 422, other.get("/v1/metrics/revenue?window=2h"));
            calls.body("POST /v1/webhooks", "{\"url\":\"https://x.example\",\"filters\":{\"event_types\":[\"Order\"]}}", false);
            calls.check("POST /v1/webhooks", 422, other.post("/v1/webhooks", "{\"url\":\"https://x.example\",\"filters\":{\"event_types\":[\"Order\"]}}"));
            calls.check("POST /v1/webhooks/{id}/deliveries/{event_id}/retry", 404, other.post("/v1/webhooks/" + failHook + "/deliveries/pay-1/retry", ""));
            calls.check("GET /health", 200, anyone.get("/health"));
        }
        assertThat(exercised).as("every documented operation was called").isEqualTo(doc.operations());
    }

    /** The schema check refuses what the service must not answer (so a passing check above means something). */
    /**
     * A tenant over its share of the body budget is refused on every route that takes a body, as each
     * documents: before, only POST /v1/events listed the 429 the others answered too (seen from outside).
     */
    @Test
    void everyRouteTakingABodyAnswersTheDocumented429WhenTheTenantsShareIsTaken() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(dev.eventwire.Limits.defaults().withTenantIngestBudgetBytes(5L << 20).withBodyBudgetBytes(8L << 20)),
                Clock.systemUTC())) {
            ApiClient acme = server.tenant("acme");
            int port = java.net.URI.create(server.baseUrl()).getPort();
            List<java.net.Socket> held = new java.util.ArrayList<>();
            try {
                // Two bodies of 2 MiB announced and never sent hold 4 of the tenant's 5 MiB.
                for (int i = 0; i < 2; i++) held.add(announce(port, acme.key(), "POST /v1/webhooks", 2 << 20));
                Thread.sleep(300);
                List<String> bodyRoutes = doc.operations().stream()
                        .filter(op -> (op.startsWith("POST /v1/") || op.startsWith("PATCH /v1/")) && !op.contains("/v1/admin/")).toList();
                assertThat(bodyRoutes).hasSizeGreaterThan(5);
                for (String operation : bodyRoutes) {
                    try (java.net.Socket socket = announce(port, acme.key(), operation.replace("{id}", "wh_x").replace("{event_id}", "ev_x"), 2 << 20)) {
                        socket.setSoTimeout(10_000);
                        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        assertThat(answer).as(operation).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: 1");
                        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                        assertThat(doc.violations(operation, 429, body)).as(operation + ": " + body).isEmpty();
                    }
                }
            } finally {
                for (java.net.Socket socket : held) socket.close();
            }
        }
    }

    /** Opens a request announcing a body of {@code length} bytes and sends none of it. */
    private static java.net.Socket announce(int port, String key, String operation, int length) throws java.io.IOException {
        String[] parts = operation.split(" ", 2);
        java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
        socket.getOutputStream().write((parts[0] + " " + parts[1] + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return socket;
    }

    @Test
    void theSchemaCheckRefusesWrongBodies() {
        String health = "{\"status\":\"ok\",\"store\":\"duckdb\",\"replica\":\"r1\"}";
        assertThat(doc.violations("GET /health", 200, health)).isEmpty();
        assertThat(doc.violations("GET /health", 200, health.replace("ok", "fine"))).isNotEmpty();
        assertThat(doc.violations("GET /health", 200, health.replace("}", ",\"extra\":1}"))).isNotEmpty();
        assertThat(doc.violations("GET /health", 200, "{\"status\":\"ok\"}")).isNotEmpty();
        String webhook = "{\"id\":\"wh_1\",\"url\":\"https://x.example\",\"description\":null,\"filters\":{},\"active\":true,"
                + "\"disabled_reason\":null,\"rate_limit\":null,\"ordering\":\"none\",\"created_at\":\"2026-01-31T12:00:00Z\",\"updated_at\":\"2026-01-31T12:00:00.123456Z\"}";
        assertThat(doc.violations("GET /v1/webhooks/{id}", 200, webhook)).isEmpty();
        assertThat(doc.violations("GET /v1/webhooks/{id}", 200, webhook.substring(0, webhook.length() - 1) + ",\"secret\":\"whsec_x\"}")).isNotEmpty();
        assertThat(doc.violations("GET /v1/webhooks/{id}", 200, webhook.replace("\"2026-01-31T12:00:00Z\"", "\"yesterday\""))).isNotEmpty();
        assertThat(doc.violations("POST /v1/webhooks", 201, webhook)).as("secret is required on creation").isNotEmpty();
        assertThat(doc.violations("GET /v1/events", 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"m\"}}")).isNotEmpty();
    }

    /** Calls checked against the document: status documented, body valid against its schema. */
    private record Calls(OpenApiDocument doc, Set<String> exercised) {
        /** A request body the service takes must be one the document allows (and the other way round for a refused one). */
        String body(String operation, String body, boolean valid) {
            List<String> violations = doc.requestViolations(operation, body);
            if (valid) assertThat(violations).as(operation + " request " + body).isEmpty();
            else assertThat(violations).as(operation + " request " + body).isNotEmpty();
            return body;
        }

        ApiClient.Response check(String operation, int status, ApiClient.Response r) {
            assertThat(r.status()).as(operation + ": " + r.body()).isEqualTo(status);
            if (status == 204) {
                assertThat(doc.response(operation, 204).has("content")).as(operation + " documents no body").isFalse();
                assertThat(r.body()).isEmpty();
            } else {
                assertThat(r.header("Content-Type")).as(operation).startsWith("application/json");
                assertThat(doc.violations(operation, status, r.body())).as(operation + " " + status + ": " + r.body()).isEmpty();
            }
            exercised.add(operation);
            return r;
        }
    }

    static void awaitStatus(ApiClient tenant, String hook, String eventId, String status) {
        await(() -> status.equals(tenant.get("/v1/webhooks/" + hook + "/deliveries/" + eventId).json().path("status").asText()),
                WAIT, eventId + " to be " + status);
    }
}
