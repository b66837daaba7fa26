package dev.eventwire.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {
    @TempDir
    Path dir;
    TestServer server;
    ApiClient acme;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        acme = server.tenant("acme");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String event(String id, String type) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\"}";
    }

    static String batch(List<String> events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }

    int storedCount() {
        int count = 0;
        String cursor = null;
        do {
            JsonNode page = acme.get("/v1/events?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            count += page.get("events").size();
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return count;
    }

    @Test
    void eventTypesListWhatTheTenantSends() {
        acme.post("/v1/events", batch(List.of(event("t1", "order.created"), event("t2", "order.created"), event("t3", "deploy.finished"))));
        server.tenant("other").post("/v1/events", event("o1", "secret.type"));
        JsonNode types = acme.get("/v1/event-types").json().get("event_types");
        assertThat(types).extracting(t -> t.get("event_type").asText() + "=" + t.get("count_24h").asLong())
                .containsExactly("deploy.finished=1", "order.created=2");
        assertThat(java.time.Instant.parse(types.get(0).get("last_seen_at").asText())).isBefore(java.time.Instant.now().plusSeconds(1));
    }

    /**
     * Events of 200 KB each: a page asked for 1,000 stops once it holds a MiB of them and says where the
     * next begins, so a listing of large events is answered in pages of a bounded size, and following the
     * cursors lists every event once, newest first.
     */
    @Test
    void aPageOfLargeEventsStopsAtAMebibyteAndTheCursorsListEveryOne() {
        String large = "x".repeat(200_000);
        for (int b = 0; b < 3; b++) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add("{\"event_id\":\"big-" + (b * 10 + i) + "\",\"event_type\":\"big.one\",\"data\":{\"s\":\"" + large + "\"}}");
            }
            assertThat(acme.post("/v1/events", batch(events)).json().get("accepted").asInt()).isEqualTo(10);
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiClient.Response response = acme.get("/v1/events?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().length()).as("a page's size").isLessThan(1_300_000);
            JsonNode page = response.json();
            page.get("events").forEach(e -> listed.add(e.get("event_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        List<String> expected = new ArrayList<>();
        for (int i = 29; i >= 0; i--) expected.add("big-" + i);
        assertThat(listed).containsExactlyElementsOf(expected);
        assertThat(pages).isBetween(5, 7);
    }

    /**
     * Events of every tenant share one log: a cursor that named its position in it (as it once did, base64
     * of "s849") let a tenant count another's events between two of its own. A cursor is now sixteen bytes
     * that spell no position, the same for the same place, and works for its own tenant only.
     */
    @Test
    void aCursorTellsATenantNothingOfOtherTenantsEvents() {
        ApiClient globex = server.tenant("globex");
        for (int i = 0; i < 2; i++) assertThat(acme.post("/v1/events", event("mine-" + i, "a.b")).status()).isEqualTo(202);
        String before = acme.get("/v1/events?limit=1").json().get("next_cursor").asText();
        List<String> theirs = new ArrayList<>();
        for (int i = 0; i < 25; i++) theirs.add(event("theirs-" + i, "a.b"));
        assertThat(globex.post("/v1/events", batch(theirs)).status()).isEqualTo(200);
        assertThat(acme.post("/v1/events", event("mine-2", "a.b")).status()).isEqualTo(202);
        String after = acme.get("/v1/events?limit=2").json().get("next_cursor").asText();

        assertThat(after).as("the same place, the same cursor").isEqualTo(before);
        byte[] raw = java.util.Base64.getUrlDecoder().decode(after);
        assertThat(raw).hasSize(16);
        assertThat(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotMatch("s[0-9]+");
        assertThat(globex.get("/v1/events?cursor=" + after).status()).as("another tenant's cursor").isEqualTo(422);
        assertThat(acme.get("/v1/events?cursor=" + after).json().get("events")).extracting(e -> e.get("event_id").asText()).containsExactly("mine-0");
    }

    /** 1,200 types and then one more, sorting last: every one is listed, page by page, the newest included. */
    @Test
    void eventTypesArePagedToTheLastOne() {
        for (int part = 0; part < 2; part++) {
            List<String> events = new ArrayList<>();
            for (int i = part * 600; i < (part + 1) * 600; i++) events.add(event("many-" + i, String.format("type.n%04d", i)));
            assertThat(acme.post("/v1/events", batch(events)).json().get("accepted").asInt()).isEqualTo(600);
        }
        assertThat(acme.post("/v1/events", event("newest", "zz.newest")).status()).isEqualTo(202);

        JsonNode first = acme.get("/v1/event-types").json();
        assertThat(first.get("event_types")).as("the default page").hasSize(1000);
        assertThat(first.get("next_cursor").isTextual()).as("says more follow").isTrue();
        JsonNode second = acme.get("/v1/event-types?cursor=" + first.get("next_cursor").asText()).json();
        assertThat(second.get("event_types")).extracting(t -> t.get("event_type").asText()).hasSize(201)
                .startsWith("type.n1000").endsWith("zz.newest");
        assertThat(second.get("next_cursor").isNull()).as("the last page").isTrue();

        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = acme.get("/v1/event-types?limit=250" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.get("event_types").size()).isLessThanOrEqualTo(250);
            page.get("event_types").forEach(t -> all.add(t.get("event_type").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(all).hasSize(1201).doesNotHaveDuplicates().isSorted().endsWith("zz.newest");
    }

    @Test
    void eventTypesRefuseABadLimitOrCursor() {
        for (String query : new String[] {"limit=0", "limit=1001", "limit=%EF%BC%92"}) {
            ApiClient.Response bad = acme.get("/v1/event-types?" + query);
            assertThat(bad.status()).as(query).isEqualTo(422);
            assertThat(bad.json().at("/error/field").asText()).isEqualTo("limit");
        }
        String webhookCursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("wwh_01HZY0000000000000000000AB".getBytes(StandardCharsets.UTF_8));
        for (String cursor : new String[] {"nonsense!", webhookCursor, "dA"}) {
            ApiClient.Response bad = acme.get("/v1/event-types?cursor=" + cursor);
            assertThat(bad.status()).as(cursor).isEqualTo(422);
            assertThat(bad.json().at("/error/code").asText()).isEqualTo("invalid_cursor");
            assertThat(bad.json().at("/error/field").asText()).isEqualTo("cursor");
        }
    }

    @Test
    void sameEventIdTwiceIsADuplicateAcrossRequests() {
        assertThat(acme.post("/v1/events", event("e1", "order.created")).status()).isEqualTo(202);
        ApiClient.Response again = acme.post("/v1/events", event("e1", "order.updated"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
        assertThat(acme.get("/v1/events/e1").json().get("event_type").asText()).as("first write wins").isEqualTo("order.created");

        JsonNode b = acme.post("/v1/events", batch(List.of(event("e1", "x.y"), event("e2", "x.y")))).json();
        assertThat(b.get("results").get(0).get("status").asText()).isEqualTo("duplicate");
        assertThat(b.get("results").get(1).get("status").asText()).isEqualTo("accepted");
        assertThat(storedCount()).isEqualTo(2);
    }

    @Test
    void duplicatesWithinOneBatchAreReportedPerItem() {
        JsonNode b = acme.post("/v1/events", batch(List.of(event("d", "a.b"), event("d", "a.b"), "{\"event_type\":\"Bad\"}", event("d", "a.c")))).json();
        assertThat(b.get("accepted").asInt()).isEqualTo(1);
        assertThat(b.get("duplicates").asInt()).isEqualTo(2);
        assertThat(b.get("rejected").asInt()).isEqualTo(1);
        assertThat(b.get("results").findValuesAsText("status")).containsExactly("accepted", "duplicate", "rejected", "duplicate");
        assertThat(b.get("results").get(2).get("error").get("field").asText()).isEqualTo("event_type");
        assertThat(storedCount()).isEqualTo(1);
    }

    @Test
    void idempotencySurvivesARestart() {
        acme.post("/v1/events", event("keep", "order.created"));
        server.close();
        server = TestServer.start(dir);
        ApiClient sameKey = server.withKey(acme.key());
        ApiClient.Response r = sameKey.post("/v1/events", event("keep", "order.created"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("duplicate");
        acme = sameKey;
        assertThat(storedCount()).isEqualTo(1);
    }

    @Test
    void aRejectedEventShowsTheEventIdItsBodyNamedSoAClientCanFindIt() {
        acme.post("/v1/events", "{\"data\":{\"event_id\":\"inner\"},\"event_type\":\"BAD\",\"event_id\":\"f-1\"}");
        acme.post("/v1/events", "{\"events\":[" + event("ok-1", "order.created") + ",{\"event_id\":\"f-2\",\"event_type\":\"\"}]}");
        acme.post("/v1/events", "{\"event_id\":42,\"event_type\":\"BAD\"}");
        acme.post("/v1/events", "{\"event_type\":\"BAD\"}");
        List<String> ids = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : acme.get("/v1/rejected-events").json().get("rejected")) {
            ids.add(r.get("event_id").isNull() ? null : r.get("event_id").asText());
        }
        assertThat(ids).as("newest first; the top-level event_id only, a string only").containsExactly(null, null, "f-2", "f-1");
    }

    @Test
    void restartKeepsEventsKeysAndRejections() {
        acme.post("/v1/events", "{\"event_id\":\"r1\",\"event_type\":\"order.created\",\"entity_id\":\"o-1\",\"data\":{\"total_amount\":10}}");
        acme.post("/v1/events", "{\"event_type\":\"BAD\"}");
        String before = acme.get("/v1/events/r1").body();
        server.close();

        server = TestServer.start(dir);
        ApiClient again = server.withKey(acme.key());
        assertThat(again.get("/v1/events/r1").body()).isEqualTo(before);
        assertThat(again.get("/v1/rejected-events").json().get("rejected")).hasSize(1);
        ApiClient.Response next = again.post("/v1/events", event("r2", "order.created"));
        assertThat(next.status()).isEqualTo(202);
        assertThat(again.get("/v1/events").json().get("events").findValuesAsText("event_id")).containsExactly("r2", "r1");
    }

    @Test
    void batchOf1000IsTakenAnd1001IsTooLarge() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) items.add(event("b" + i, "page.viewed"));
        ApiClient.Response ok = acme.post("/v1/events", batch(items));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("accepted").asInt()).isEqualTo(1000);

        items.add(event("b1000", "page.viewed"));
        ApiClient.Response tooMany = acme.post("/v1/events", batch(items));
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.json().get("error").get("code").asText()).isEqualTo("too_many_events");
        assertThat(storedCount()).isEqualTo(1000);
    }

    @Test
    void bodyOver5MiBIs413AndNothingIsStored() {
        String filler = "x".repeat(200 * 1024);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 27; i++) items.add("{\"event_type\":\"a.b\",\"data\":{\"f\":\"" + filler + "\"}}");
        byte[] body = batch(items).getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isGreaterThan(5 * 1024 * 1024);
        ApiClient.Response r = acme.post("/v1/events", body);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("body_too_large");
        assertThat(storedCount()).isZero();
    }

    @Test
    void malformedJsonIs400AndKeptAsRejected() {
        ApiClient.Response r = acme.post("/v1/events", "{\"event_type\": \"a.b\",");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("malformed_json");
        assertThat(acme.post("/v1/events", "").status()).isEqualTo(400);
        assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"event_type\":\"c.d\"}").status()).as("duplicate keys").isEqualTo(400);

        JsonNode rejected = acme.get("/v1/rejected-events").json().get("rejected");
        assertThat(rejected).hasSize(3);
        JsonNode oldest = rejected.get(2);
        assertThat(oldest.get("body").asText()).isEqualTo("{\"event_type\": \"a.b\",");
        assertThat(oldest.get("error").get("code").asText()).isEqualTo("malformed_json");
        assertThat(oldest.get("received_at").asText()).isNotBlank();
    }

    /** A name with a bidi control or a newline is named with them written out, so the refusal shows as what it is. */
    @Test
    void anUnknownFieldNameIsEchoedWithItsControlsWrittenOut() {
        ApiClient.Response r = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"a\\u202eb\\nc\":1}");
        assertThat(r.status()).isEqualTo(422);
        JsonNode error = r.json().get("error");
        assertThat(error.get("field").asText()).isEqualTo("a\\u202Eb\\u000Ac");
        assertThat(error.get("message").asText()).startsWith("Unknown field 'a\\u202Eb\\u000Ac'").doesNotContain("\u202e", "\n");
        ApiClient.Response inBatch = acme.post("/v1/events", "{\"events\":[{\"event_type\":\"a.b\",\"\\u2067x\\u0000\":1}]}");
        assertThat(inBatch.body()).contains("\\\\u2067x\\\\u0000").doesNotContain("\u2067");
    }

    /** A field name may be 50,000 characters long: the answer names it by its start and length, not whole. */
    @Test
    void aLongUnknownFieldNameIsNotEchoedWhole() {
        String name = "x".repeat(40_000);
        ApiClient.Response single = acme.post("/v1/events", "{\"event_type\":\"a.b\",\"" + name + "\":1}");
        assertThat(single.status()).isEqualTo(422);
        JsonNode error = single.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("unknown_field");
        assertThat(error.get("message").asText()).startsWith("Unknown field '" + "x".repeat(64) + "… (40000 characters)'");
        assertThat(error.get("field").asText()).isEqualTo("x".repeat(64) + "… (40000 characters)");
        assertThat(single.body().length()).isLessThan(500);
        ApiClient.Response batch = acme.post("/v1/events", "{\"events\":[],\"" + name + "\":1}");
        assertThat(batch.json().get("error").get("code").asText()).isEqualTo("unknown_field");
        assertThat(batch.body().length()).isLessThan(500);
        ApiClient.Response inBatch = acme.post("/v1/events", "{\"events\":[{\"event_type\":\"a.b\",\"" + name + "\":1}]}");
        assertThat(inBatch.json().get("results").get(0).get("error").get("code").asText()).isEqualTo("unknown_field");
        assertThat(inBatch.body().length()).isLessThan(500);
        assertThat(acme.get("/v1/events").json().get("events")).isEmpty();
    }

    @Test
    void batchEnvelopeRules() {
        assertThat(acme.post("/v1/events", "{\"events\":[]}").json().get("error").get("field").asText()).isEqualTo("events");
        assertThat(acme.post("/v1/events", "{\"events\":{}}").status()).isEqualTo(422);
        ApiClient.Response extra = acme.post("/v1/events", "{\"events\":[],\"source\":\"x\"}");
        assertThat(extra.status()).isEqualTo(422);
        assertThat(extra.json().get("error").get("code").asText()).isEqualTo("unknown_field");
        ApiClient.Response notObject = acme.post("/v1/events", "{\"events\":[1, {\"event_type\":\"a.b\"}]}");
        assertThat(notObject.json().get("results").get(0).get("error").get("code").asText()).isEqualTo("invalid_type");
        assertThat(notObject.json().get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void rejectedBodiesAreTruncatedTo16KiB() {
        acme.post("/v1/events", "{\"event_type\":\"a.b\",\"data\":{\"v\":\"" + "y".repeat(300 * 1024) + "\"}}");
        JsonNode r = acme.get("/v1/rejected-events").json().get("rejected").get(0);
        assertThat(r.get("error").get("code").asText()).isEqualTo("too_large");
        assertThat(r.get("body").asText()).hasSize(16 * 1024);
    }

    @Test
    void listingFiltersByDottedPrefixAndEntityAndPagesNewestFirst() {
        acme.post("/v1/events", batch(List.of(
                "{\"event_id\":\"1\",\"event_type\":\"order.created\",\"entity_id\":\"o1\"}",
                "{\"event_id\":\"2\",\"event_type\":\"orders.x\",\"entity_id\":\"o1\"}",
                "{\"event_id\":\"3\",\"event_type\":\"order\",\"entity_id\":\"o2\"}",
                "{\"event_id\":\"4\",\"event_type\":\"order.refund.issued\",\"entity_id\":\"o1\"}",
                "{\"event_id\":\"5\",\"event_type\":\"payment.completed\",\"entity_id\":\"o1\"}")));
        assertThat(acme.get("/v1/events?event_type=order").json().get("events").findValuesAsText("event_id")).containsExactly("4", "3", "1");
        assertThat(acme.get("/v1/events?event_type=order.refund").json().get("events").findValuesAsText("event_id")).containsExactly("4");
        assertThat(acme.get("/v1/events?event_type=order&entity_id=o1").json().get("events").findValuesAsText("event_id")).containsExactly("4", "1");

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = acme.get("/v1/events?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            seen.addAll(page.get("events").findValuesAsText("event_id"));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactly("5", "4", "3", "2", "1");
        assertThat(pages).isEqualTo(3);

        assertThat(acme.get("/v1/events?limit=0").status()).isEqualTo(422);
        assertThat(acme.get("/v1/events?limit=abc").json().get("error").get("field").asText()).isEqualTo("limit");
        assertThat(acme.get("/v1/events?cursor=bm9wZQ").status()).isEqualTo(422);
        assertThat(acme.get("/v1/events/nope").status()).isEqualTo(404);
    }
}
