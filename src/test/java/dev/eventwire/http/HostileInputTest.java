package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cases an outside review broke the server with, each answered with a clear 4xx; the server restarts cleanly afterwards. */
class HostileInputTest {
    @TempDir
    Path dir;

    private static void assertRefused(ApiClient.Response r, int status, String code, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo(code);
        if (field != null) assertThat(r.json().get("error").get("field").asText()).isEqualTo(field);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("jackson").doesNotContain("duckdb");
    }

    @Test
    void hugeAmountsAreRefusedAndNeverPoisonTheRollupsOrTheRestart() {
        String key;
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            key = acme.key();
            for (int i = 0; i < 2; i++) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":6e28}}"),
                        422, "number_out_of_range", "data.total_amount");
            }
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":1e400}}"),
                    422, "number_out_of_range", "data.total_amount");
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"deploy.done\",\"data\":{\"n\":1e99999}}"), 422, "number_out_of_range", "data.n");
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"deploy.done\",\"data\":{\"n\":1e-99999}}"), 422, "number_out_of_range", "data.n");
            assertThat(acme.post("/v1/events", "{\"event_id\":\"ok-1\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":1e15}}").status())
                    .as("the bound itself is accepted").isEqualTo(202);
            ApiClient.Response batch = acme.post("/v1/events", "{\"events\":[{\"event_id\":\"ok-2\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":10}},"
                    + "{\"event_id\":\"bad-1\",\"event_type\":\"order.created\",\"data\":{\"total_amount\":-1e29}}]}");
            assertThat(batch.status()).as("one bad item fails only itself").isEqualTo(200);
            assertThat(batch.json().get("accepted").asInt()).isEqualTo(1);
            assertThat(batch.json().get("results").get(1).get("error").get("code").asText()).isEqualTo("number_out_of_range");
            assertThat(acme.get("/v1/metrics/revenue?window=1h").json().get("value").decimalValue()).isEqualByComparingTo("1000000000000010");
            assertThat(acme.get("/v1/rejected-events").json().get("rejected").size()).as("every refusal is kept").isGreaterThanOrEqualTo(6);
        }
        try (TestServer again = TestServer.start(dir)) {
            ApiClient acme = again.withKey(key);
            assertThat(again.anonymous().get("/health").status()).isEqualTo(200);
            assertThat(acme.get("/v1/metrics/revenue?window=1h").json().get("value").decimalValue()).isEqualByComparingTo("1000000000000010");
            assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":1}}").status()).isEqualTo(202);
        }
    }

    @Test
    void anAmountThatFeedsAMetricMustBeANumberOrAbsent() {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            for (String amount : java.util.List.of("\"30.00\"", "\"1e20\"", "true", "[1]", "{\"value\":1}")) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":" + amount + "}}"),
                        422, "invalid_type", "data.total_amount");
            }
            assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":10}}").status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":null}}").status())
                    .as("null is as absent").isEqualTo(202);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{}}").status()).isEqualTo(202);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"payment.completed\",\"data\":{\"amount\":\"900\"}}").status())
                    .as("a string where no metric sums it is the event's own business").isEqualTo(202);
            // Revenue and the order count agree on what they saw: no order was counted whose amount was left out.
            assertThat(acme.get("/v1/metrics/revenue?window=1h").json().get("value").decimalValue()).isEqualByComparingTo("10");
            assertThat(acme.get("/v1/metrics/order_count?window=1h").json().get("value").asInt()).isEqualTo(3);
        }
    }

    @Test
    void datesAtTheEdgesOfTheCalendarAreRefusedWithTheirField() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            for (String at : new String[]{"0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + at + "\"}"), 422, "out_of_range", "occurred_at");
            }
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"9999-12-31T23:59:59Z\"}"),
                    422, "occurred_in_future", "occurred_at");
            // Years of more than four digits are not RFC 3339 at all.
            for (String at : new String[]{"-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z"}) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + at + "\"}"), 422, "invalid_format", "occurred_at");
            }
            for (String at : new String[]{"0001-01-01T00:00:00Z", "-290000-01-01T00:00:00Z", "%2B999999-01-01T00:00:00Z", "2026-13-01T00:00:00Z"}) {
                ApiClient.Response r = acme.get("/v1/metrics/revenue?window=30d&as_of=" + at);
                assertThat(r.status()).as(at).isEqualTo(422);
                assertThat(r.json().get("error").get("field").asText()).isEqualTo("as_of");
            }
            String id = acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\"}").json().get("id").asText();
            for (String since : new String[]{"0001-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "yesterday"}) {
                ApiClient.Response r = acme.post("/v1/webhooks/" + id + "/recover", "{\"since\":\"" + since + "\"}");
                assertThat(r.status()).as(since).isEqualTo(422);
                assertThat(r.json().get("error").get("field").asText()).isEqualTo("since");
            }
            assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"filters\":{\"min_amount\":1e99999}}"),
                    422, "number_out_of_range", "filters.min_amount");
        }
    }

    @Test
    void portsUnicodeControlCharactersAndMediaTypesAreCheckedStrictly() throws Exception {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            for (String url : new String[]{"https://127.0.0.1:0/h", "https://127.0.0.1:65536/h", "https://127.0.0.1:99999999999/h", "https://127.0.0.1:/h",
                    "https://127.0.0.1:-1/h", "https://127.0.0.1:08443/h", "https://[::1]:000000000000000008443/h"}) {
                ApiClient.Response r = acme.post("/v1/webhooks", "{\"url\":\"" + url + "\"}");
                assertRefused(r, 422, "invalid_url", "url");
                assertThat(r.json().get("error").get("message").asText()).as(url).contains("port");
            }
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1:8443/h\"}").status()).isEqualTo(201);
            ApiClient.Response tooLong = acme.get("/v1/events/" + "a".repeat(100_000));
            assertRefused(tooLong, 414, "uri_too_long", null);
            ApiClient.Response malformed = acme.get("/v1/events/s-1%00");
            assertRefused(malformed, 400, "bad_request", null);
            // Refused before routing, the connection is closed; the answer says so, so the client does not reuse it.
            assertThat(tooLong.raw().headers().firstValue("connection")).hasValue("close");
            assertThat(malformed.raw().headers().firstValue("connection")).hasValue("close");
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"x\":\"\\ud800\"}}"), 422, "invalid_unicode", "data.x");
            assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1:8443/\\ud800\"}"), 422, "invalid_unicode", "url");
            // A refused event type is shown with its controls written out, as any refused name is: a U+202E in it
            // reversed the rest of the message wherever it was shown, a newline split a client's log line.
            ApiClient.Response reversed = acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1:8443/f\",\"filters\":{\"event_types\":[\"x\\u202eEVIL\\n\"]}}");
            assertRefused(reversed, 422, "invalid_format", "filters.event_types");
            assertThat(reversed.json().get("error").get("message").asText()).contains("'x\\u202EEVIL\\u000A'").doesNotContain("\u202e").doesNotContain("\n");
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"\\udfff\":1}}"), 400, "malformed_json", null);
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"entity_id\":\"o\\u0000-1\"}"), 422, "invalid_format", "entity_id");
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"entity_id\":\"line\\nbreak\"}"), 422, "invalid_format", "entity_id");
            // Bidirectional text controls are invisible and reorder what a listing or a receiver's log shows.
            for (String bidi : new String[]{"\\u202e", "\\u2066", "\\u200f", "\\u061c"}) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"entity_id\":\"abc" + bidi + "def\"}"), 422, "invalid_format", "entity_id");
                assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1:8443/bidi\",\"filters\":{\"entity_ids\":[\"abc" + bidi + "def\"]}}"),
                        422, "invalid_format", "filters.entity_ids");
            }
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"entity_id\":\"caf\u00e9-\ud83d\ude00\",\"data\":{\"note\":\"tab\\there\"}}").status())
                    .as("valid Unicode, and control characters inside data strings, are fine").isEqualTo(202);

            HttpClient http = HttpClient.newHttpClient();
            for (String type : new String[]{"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                        .header("Authorization", "Bearer " + acme.key()).header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"a.b\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(type).isEqualTo(415);
                assertThat(r.body()).contains("unsupported_media_type");
            }
            HttpResponse<String> noType = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                    .header("Authorization", "Bearer " + acme.key()).POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"a.b\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noType.statusCode()).as("no Content-Type at all is read as JSON").isEqualTo(202);
            HttpResponse<String> charset = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                    .header("Authorization", "Bearer " + acme.key()).header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"a.b\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(charset.statusCode()).isEqualTo(202);
            for (String type : new String[]{"application/json; charset=\"utf-8\"", "application/json; CHARSET=UTF8", "application/json; profile=\"a;charset=x\""}) {
                HttpResponse<String> utf8 = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                        .header("Authorization", "Bearer " + acme.key()).header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"a.b\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(utf8.statusCode()).as("UTF-8, however spelt: " + type).isEqualTo(202);
            }
            // A parameter's name is case-insensitive: each of these once passed as UTF-8 and stored mis-read text.
            for (String type : new String[]{"application/json; charset=iso-8859-1", "application/json;charset=\"UTF-16\"", "application/json; CharSet=windows-1252",
                    "application/json; CHARSET=UTF-16", "application/json; cHARSET=latin1", "application/json; charset=utf-8; charset=latin1",
                    "application/json; charset=", "application/json; charset"}) {
                HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                        .header("Authorization", "Bearer " + acme.key()).header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"a.b\",\"entity_id\":\"caf\u00e9\"}", java.nio.charset.StandardCharsets.ISO_8859_1))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(other.statusCode()).as("JSON in another charset: " + type).isEqualTo(415);
                assertThat(other.body()).contains("unsupported_media_type", "UTF-8");
            }

            assertThat(acme.get("/v1/events?entity_id=caf%C3%A9").json().get("events")).as("nothing in another charset was stored").isEmpty();
            HttpResponse<String> noMedia = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                    .header("Authorization", "Bearer " + acme.key()).header("Content-Type", ";;;")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"a.b\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noMedia.statusCode()).isEqualTo(415);
            assertThat(noMedia.body()).contains("(got no media type)");
            // No body, nothing to mis-read: the Content-Type an HTTP library sends by default on an empty POST
            // (application/octet-stream) is not judged. It was a 415 on routes that take no body.
            String hook = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/none\"}").json().get("id").asText();
            HttpResponse<String> emptyTest = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/webhooks/" + hook + "/test"))
                    .header("Authorization", "Bearer " + acme.key()).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(emptyTest.statusCode()).as(emptyTest.body()).isEqualTo(200);
            HttpResponse<String> emptyEvent = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/events"))
                    .header("Authorization", "Bearer " + acme.key()).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(emptyEvent.statusCode()).as("a route that needs a body says it is missing: " + emptyEvent.body()).isEqualTo(400);

            ApiClient.Response deep = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(300) + "}");
            assertRefused(deep, 400, "malformed_json", null);
            assertThat(deep.json().get("error").get("message").asText()).doesNotContainIgnoringCase("constraints").doesNotContain("`");
        }
    }

    @Test
    void inputAnOutsideReviewFoundLooseIsHeldToTheDocumentedRules() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            // Timestamps: RFC 3339 only (seconds always, a fraction of any length, Z or ±hh:mm).
            for (String at : new String[]{"2026-11-30T12:00:00.Z", "2026-11-30T12:00Z", "2026-11-30T12:00:00+05", "2026-11-30T12:00:00+05:30:15",
                    "2026-11-30 12:00:00Z", "2026-11-30T12:00:00"}) {
                ApiClient.Response refused = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + at + "\"}");
                assertRefused(refused, 422, "invalid_format", "occurred_at");
                assertThat(refused.json().get("error").get("message").asText()).contains("with seconds and an offset").contains("2026-01-31T12:00:00Z");
                ApiClient.Response r = acme.get("/v1/metrics/revenue?window=1h&as_of=" + java.net.URLEncoder.encode(at, java.nio.charset.StandardCharsets.UTF_8));
                assertRefused(r, 422, "invalid_format", "as_of");
            }
            // A leap second is valid RFC 3339 and still refused: the message says so, and what to send.
            ApiClient.Response leap = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"2016-12-31T23:59:60Z\"}");
            assertRefused(leap, 422, "invalid_format", "occurred_at");
            assertThat(leap.json().get("error").get("message").asText()).contains("leap second").contains("send 23:59:59 instead").doesNotContain("must be an RFC 3339");
            assertRefused(acme.get("/v1/metrics/revenue?window=1h&as_of=2016-12-31T23:59:60.5Z"), 422, "invalid_format", "as_of");
            // The last second of a UTC day written at another offset is one too; second 60 of any other minute is no time at all.
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"2017-01-01T00:59:60+01:00\"}").json().get("error").get("message").asText())
                    .contains("is a leap second (00:59:60)").contains("send 00:59:59 instead");
            for (String at : new String[]{"2026-01-31T12:00:60Z", "2016-12-31T23:59:60+01:00", "2016-12-31T47:59:60Z", "2016-12-31T23:59:60+24:00"}) {
                ApiClient.Response refused = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + at + "\"}");
                assertRefused(refused, 422, "invalid_format", "occurred_at");
                assertThat(refused.json().get("error").get("message").asText()).as(at).contains("a time that does not exist").contains("seconds 00 to 59")
                        .doesNotContain("leap second");
            }
            // The right shape naming what does not exist: the message says which part, not the format again.
            for (String[] c : new String[][]{{"2026-02-30T00:00:00Z", "a day that does not exist (2026-02-30)"}, {"2026-13-01T00:00:00Z", "a day that does not exist"},
                    {"2026-11-30T24:00:00Z", "a time that does not exist (24:00:00)"}, {"2026-11-30T12:00:00+24:00", "an offset that does not exist (+24:00)"}}) {
                ApiClient.Response refused = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + c[0] + "\"}");
                assertRefused(refused, 422, "invalid_format", "occurred_at");
                assertThat(refused.json().get("error").get("message").asText()).as(c[0]).contains(c[1]).doesNotContain("must be an RFC 3339");
            }
            assertThat(acme.get("/v1/metrics/revenue?window=1h&as_of=2026-02-29T00:00:00Z").json().get("error").get("message").asText())
                    .contains("as_of names a day that does not exist (2026-02-29)");
            for (String at : new String[]{"2026-11-30T12:00:00Z", "2026-11-30t12:00:00.5z", "2026-11-30T12:00:00.123456789+05:30", "2026-11-30T12:00:00-00:00",
                    "2026-11-30T10:00:00+19:00", "2026-11-29T10:00:00-23:59", "2026-11-30T12:00:00.1234567891Z"}) {
                assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + at + "\"}").status()).as(at).isEqualTo(202);
            }
            // A fraction longer than nanoseconds (a picosecond clock) is kept to the microsecond like any other.
            assertThat(acme.post("/v1/events", "{\"event_id\":\"pico-1\",\"event_type\":\"a.b\",\"occurred_at\":\"2026-11-30T12:00:00.123456789012+01:00\"}").status())
                    .isEqualTo(202);
            assertThat(acme.get("/v1/events/pico-1").json().get("occurred_at").asText()).isEqualTo("2026-11-30T11:00:00.123456Z");
            assertThat(acme.get("/v1/metrics/revenue?window=1h&as_of=2026-11-30T12:00:00.123456789012Z").status()).isEqualTo(200);
            // The offset counts: 10:00+19:00 is 15:00 the day before in UTC.
            assertThat(acme.post("/v1/events", "{\"event_id\":\"off-1\",\"event_type\":\"a.b\",\"occurred_at\":\"2026-11-30T10:00:00+19:00\"}").status())
                    .isEqualTo(202);
            assertThat(acme.get("/v1/events/off-1").json().get("occurred_at").asText()).startsWith("2026-11-29T15:00:00");
            for (String at : new String[]{"2026-11-30T10:00:00+24:00", "2026-11-30T10:00:00+05:60", "2026-02-30T10:00:00Z", "2026-11-30T24:00:00Z"}) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"occurred_at\":\"" + at + "\"}"), 422, "invalid_format", "occurred_at");
            }
            // A port that is fine and a host the URL parser does not take: the message names the host.
            ApiClient.Response shorthand = acme.post("/v1/webhooks", "{\"url\":\"http://127.1:18472/\"}");
            assertRefused(shorthand, 422, "invalid_url", "url");
            assertThat(shorthand.json().get("error").get("message").asText()).contains("host").doesNotContain("port");
            ApiClient.Response credentials = acme.post("/v1/webhooks", "{\"url\":\"https://user:pw@127.0.0.1/h\"}");
            assertRefused(credentials, 422, "invalid_url", "url");
            assertThat(credentials.body()).doesNotContain("pw@");
            // limit: ASCII digits only.
            for (String limit : new String[]{"%EF%BC%92", "%D9%A2", "+2", "2.0", "0x10"}) {
                assertRefused(acme.get("/v1/events?limit=" + limit), 422, "invalid_value", "limit");
            }
            assertThat(acme.get("/v1/events?limit=2").status()).isEqualTo(200);
            // A webhook list cursor that this service did not issue.
            String tampered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("w' OR 1=1 --".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertRefused(acme.get("/v1/webhooks?cursor=" + tampered), 422, "invalid_cursor", "cursor");
            String plusSeq = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("s+5".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertRefused(acme.get("/v1/events?cursor=" + plusSeq), 422, "invalid_cursor", "cursor");
            // The position an issued cursor names, spelled with a leading zero or with padding: not a cursor this service issued.
            for (String spelled : new String[]{"s04", "s004"}) {
                String other = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(spelled.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertRefused(acme.get("/v1/events?cursor=" + other), 422, "invalid_cursor", "cursor");
            }
            // Cursors name positions sealed: the bare position a cursor once spelled out is not one, and an
            // issued cursor is taken back only as it was given (not padded), and only from its tenant.
            assertRefused(acme.get("/v1/events?cursor=czQ"), 422, "invalid_cursor", "cursor");
            String issued = acme.get("/v1/events?limit=1").json().get("next_cursor").asText();
            assertThat(acme.get("/v1/events?limit=1&cursor=" + issued).status()).isEqualTo(200);
            assertRefused(acme.get("/v1/events?cursor=" + issued + "%3D%3D"), 422, "invalid_cursor", "cursor");
            assertRefused(server.tenant("globex").get("/v1/events?cursor=" + issued), 422, "invalid_cursor", "cursor");
            // Lengths count characters, not UTF-16 units: 128 emoji are 128 characters.
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"entity_id\":\"" + "\ud83d\ude00".repeat(128) + "\"}").status()).isEqualTo(202);
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"entity_id\":\"" + "\ud83d\ude00".repeat(129) + "\"}"),
                    422, "invalid_length", "entity_id");
            // Eventwire's own event types cannot be posted by a client.
            for (String type : new String[]{"eventwire.webhook.disabled", "eventwire.delivery.dead", "eventwire"}) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"" + type + "\"}"), 422, "reserved_event_type", "event_type");
            }
            assertThat(acme.post("/v1/events", "{\"event_type\":\"eventwirex.ok\"}").status()).isEqualTo(202);
            // Numbers: the parser lets through what the validator judges (up to 1000 digits each side of the point).
            String longButValid = "9".repeat(900) + "." + "9".repeat(900);
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"v\":" + longButValid + "}}").status()).isEqualTo(202);
            assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"v\":" + "9".repeat(1001) + "}}"), 422, "number_out_of_range", "data.v");
            ApiClient.Response nan = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"v\":NaN}}");
            assertRefused(nan, 400, "malformed_json", null);
            assertThat(nan.json().get("error").get("message").asText()).contains("NaN and Infinity are not JSON numbers");
            assertThat(acme.post("/v1/events", "{/*c*/\"event_type\":\"a.b\"}").json().get("error").get("message").asText()).contains("comments are not allowed");
            assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\"}{}").json().get("error").get("message").asText()).contains("something follows the JSON value");
            for (String trailing : new String[]{" xx", " 1", " \"x\"", " true", "\n{}"}) {
                ApiClient.Response r = acme.post("/v1/events", "{\"event_type\":\"a.b\"}" + trailing);
                assertRefused(r, 400, "malformed_json", null);
                assertThat(r.json().get("error").get("message").asText()).as(trailing).contains("something follows the JSON value");
            }

            // Webhooks: a null filter does not silently widen a webhook to every event; a null option is the default.
            String id = acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"filters\":{\"event_types\":[\"order\"]}}").json().get("id").asText();
            assertRefused(acme.patch("/v1/webhooks/" + id, "{\"filters\":null}"), 422, "invalid_type", "filters");
            assertThat(acme.get("/v1/webhooks/" + id).json().get("filters").get("event_types").get(0).asText()).isEqualTo("order");
            assertRefused(acme.patch("/v1/webhooks/" + id, "{\"url\":null}"), 422, "invalid_type", "url");
            assertThat(acme.get("/v1/webhooks/" + id).json().get("url").asText()).isEqualTo("https://127.0.0.1/h");
            for (String type : new String[] {"ORD", "%25", "a".repeat(129), "order.", "order..created"}) {
                assertRefused(acme.get("/v1/events?event_type=" + type), 422, "invalid_value", "event_type");
            }
            assertThat(acme.get("/v1/events?event_type=order").status()).as("a prefix").isEqualTo(200);
            assertThat(acme.post("/v1/webhooks/" + id + "/secret/rotate", "{\"previous_valid_for\":null}").status()).isEqualTo(200);
            // recover, like replay, takes a since in the past.
            assertRefused(acme.post("/v1/webhooks/" + id + "/recover", "{\"since\":\"9999-12-31T23:59:59Z\"}"), 422, "since_in_future", "since");
        }
    }

    @Test
    void amountsBeyondNineDecimalPlacesCountTheSameBeforeAndAfterARestart() {
        String key;
        java.math.BigDecimal live;
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            key = acme.key();
            assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":8}}").status()).isEqualTo(202);
            for (String tiny : new String[]{"0.0000000004", "0.0000000004", "0.0000000005", "0.0000000015", "-0.0000000005", "1.23456789049"}) {
                assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":" + tiny + "}}").status()).isEqualTo(202);
            }
            live = acme.get("/v1/metrics/revenue?window=1h").json().get("value").decimalValue();
            // Rounded to 9 places, half away from zero: 0 + 0 + 0.000000001 + 0.000000002 - 0.000000001 + 1.234567890.
            assertThat(live).isEqualByComparingTo("9.234567892");
        }
        try (TestServer again = TestServer.start(dir)) {
            assertThat(again.withKey(key).get("/v1/metrics/revenue?window=1h").json().get("value").decimalValue()).isEqualByComparingTo(live);
        }
    }

    /** The status line and body of a request sent as raw bytes: what a strict HTTP client cannot send at all. */
    private static String raw(TestServer server, String head) throws Exception {
        URI base = URI.create(server.baseUrl());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    String text = answer.toString(java.nio.charset.StandardCharsets.UTF_8);
                    if (text.contains("\r\n\r\n") && text.contains("}")) break; // a status line, headers and an error body
                }
            } catch (java.net.SocketTimeoutException e) {
                // what arrived in 5 s is the answer
            }
            return answer.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void whatASecondOutsideReviewBrokeIsRefusedAndHurtsNobodyElse() throws Exception {
        String key;
        String id;
        try (TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            ApiClient globex = server.tenant("globex");
            key = acme.key();
            // A threshold with more decimals than event data may have was stored written out in full: the
            // webhook could not be read back, and the server no longer started. Longer still, the writer
            // failed and turned every tenant's events away.
            for (String min : new String[]{"1e-2200", "1e-100000", "1E-999999999"}) {
                assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"filters\":{\"min_amount\":" + min + "}}"),
                        422, "number_out_of_range", "filters.min_amount");
                assertThat(globex.post("/v1/events", "{\"event_type\":\"order.created\"}").status()).as("another tenant, meanwhile").isEqualTo(202);
            }
            id = acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"filters\":{\"min_amount\":1e-1000}}").json().get("id").asText();
            assertRefused(acme.patch("/v1/webhooks/" + id, "{\"filters\":{\"min_amount\":1e-1001}}"), 422, "number_out_of_range", "filters.min_amount");
            // Exponents beyond what a decimal can hold at all: refused for the field that holds them, so one
            // such number in a batch refuses its item and not the whole batch.
            for (String edge : new String[]{"0.00099999999999999999", "10000.000000000000001"}) {
                assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"rate_limit\":" + edge + "}"), 422, "invalid_rate_limit", "rate_limit");
            }
            for (String edge : new String[]{"0.001", "10000", "1e4", "10000.000"}) {
                assertThat(acme.patch("/v1/webhooks/" + id, "{\"rate_limit\":" + edge + "}").status()).as(edge).isEqualTo(200);
            }
            for (String n : new String[]{"1e-2147483648", "1e9999999999", "0e-2147483649"}) {
                assertRefused(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"n\":" + n + "}}"), 422, "number_out_of_range", "data.n");
                assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"description\":" + n + "}"), 422, "invalid_type", "description");
                assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/h\",\"rate_limit\":" + n + "}"), 422, "invalid_rate_limit", "rate_limit");
                assertRefused(acme.patch("/v1/webhooks/" + id, "{\"filters\":{\"min_amount\":" + n + "}}"), 422, "number_out_of_range", "filters.min_amount");
                ApiClient.Response batch = acme.post("/v1/events", "{\"events\":[{\"event_id\":\"fine-" + n + "\",\"event_type\":\"a.b\"},"
                        + "{\"event_type\":\"a.b\",\"data\":{\"deep\":[" + n + "]}}]}");
                assertThat(batch.status()).as(n + ": " + batch.body()).isEqualTo(200);
                assertThat(batch.json().get("accepted").asInt()).as(n).isEqualTo(1);
                assertThat(batch.json().get("results").get(1).get("error").get("field").asText()).isEqualTo("data.deep[0]");
                assertThat(acme.get("/v1/events/fine-" + n).status()).as("the valid item is stored").isEqualTo(200);
            }
            // Event ids of Eventwire's own events: posting one first would have suppressed the alert it names.
            assertRefused(acme.post("/v1/events", "{\"event_id\":\"evw_dead_msg_1_4\",\"event_type\":\"a.b\"}"), 422, "reserved_event_id", "event_id");
            // Hosts that only some resolvers read as loopback; ordering null is absent, as other optional fields.
            for (String url : new String[]{"http://2130706433/h", "http://0177.0.0.2/h", "http://0x7f.0.0.1/h", "http://127.000.0.1/h"}) {
                assertRefused(acme.post("/v1/webhooks", "{\"url\":\"" + url + "\"}"), 422, "invalid_url", "url");
            }
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/o\",\"ordering\":null}").json().get("ordering").asText()).isEqualTo("none");
            // An empty filter list would have widened the webhook to every event.
            assertRefused(acme.post("/v1/webhooks", "{\"url\":\"https://127.0.0.1/e\",\"filters\":{\"event_types\":[]}}"), 422, "invalid_length", "filters.event_types");
            assertRefused(acme.patch("/v1/webhooks/" + id, "{\"filters\":{\"entity_ids\":[]}}"), 422, "invalid_length", "filters.entity_ids");

            // Malformed percent-escapes: refused, not a server error and not a filter silently dropped.
            String auth = "Authorization: Bearer " + key + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
            for (String target : new String[]{"/v1/events/%u0041", "/v1/webhooks/wh_%ud800", "/v1/events?event_type=%ZZ&limit=1",
                    "/v1/webhooks/" + id + "/deliveries?status=%ZZdead", "/v1/metrics/revenue?window=%ZZ", "/v1/events?limit=%ud800", "/v1/metrics/revenue?window=1h&window=5m",
                    "/v1/events?event_type=a.b&event%5Ftype=zzz"}) {
                String answer = raw(server, "GET " + target + " HTTP/1.1\r\n" + auth + "\r\n");
                assertThat(answer).as(target).startsWith("HTTP/1.1 400").contains("\"bad_request\"").doesNotContain("Exception");
            }
            // A body declared beyond the limit is refused before the client is told to send it.
            String oversize = raw(server, "POST /v1/events HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 999999999\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            assertThat(oversize).startsWith("HTTP/1.1 413").contains("\"body_too_large\"").doesNotContain("100 Continue");
            // Jetty gave only GET, POST and HEAD its error page: OPTIONS * got an empty 404.
            String optionsStar = raw(server, "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(optionsStar).startsWith("HTTP/1.1 404").contains("\"error\":{\"code\":\"not_found\"");
            assertThat(globex.get("/v1/events?limit=100").json().get("events").size()).isEqualTo(3);
        }
        try (TestServer again = TestServer.start(dir)) {
            ApiClient acme = again.withKey(key);
            assertThat(acme.get("/v1/webhooks").status()).isEqualTo(200);
            assertThat(acme.get("/v1/webhooks").json().get("webhooks").size()).isEqualTo(2);
            assertThat(acme.get("/v1/webhooks/" + id).body()).as("the threshold at the limit, kept exactly").contains("\"min_amount\":0." + "0".repeat(999) + "1}");
        }
    }

    /** A third outside review, of the webhook API: options a delete ignored, URLs that read as other URLs. */
    @Test
    void aDeleteReadsItsBodyAndAUrlHidesNothing() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, java.time.Clock.systemUTC(), c -> c)) {
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:8443/h\"}").json().get("id").asText();
            assertRefused(acme.delete("/v1/webhooks/" + hook, "{\"force\":true}"), 422, "unknown_field", "force");
            assertRefused(acme.delete("/v1/webhooks/" + hook, "garbage{"), 400, "malformed_json", null);
            assertThat(acme.get("/v1/webhooks/" + hook).status()).as("a refused delete deletes nothing").isEqualTo(200);
            assertThat(acme.delete("/v1/webhooks/" + hook, "{}").status()).isEqualTo(204);
            assertThat(acme.get("/v1/webhooks/" + hook).status()).isEqualTo(404);
            String key = server.admin().post("/v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"spare\"}").json().get("id").asText();
            assertRefused(server.admin().delete("/v1/admin/keys/" + key, "{\"force\":true}"), 422, "unknown_field", "force");
            assertThat(server.admin().delete("/v1/admin/keys/" + key).status()).isEqualTo(204);

            for (String hidden : new String[]{"\\u200b", "\\u200d", "\\u2060", "\\ufeff"}) {
                ApiClient.Response r = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:8443/a" + hidden + "b\"}");
                assertRefused(r, 422, "invalid_url", "url");
                assertThat(r.json().at("/error/message").asText()).as(hidden).contains("invisible");
                assertRefused(acme.patch("/v1/webhooks/" + acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:8443/ok\"}").json().get("id").asText(),
                        "{\"url\":\"http://127.0.0.1:8443/" + hidden + "\"}"), 422, "invalid_url", "url");
            }
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:8443/a%E2%80%8Bb\"}").status()).as("percent-encoded, it shows").isEqualTo(201);
        }
    }
}
