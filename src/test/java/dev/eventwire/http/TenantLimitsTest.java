package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.Limits;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one tenant may ask for is bounded, and reaching a bound answers that tenant alone. */
class TenantLimitsTest {
    @TempDir
    Path dir;

    @Test
    void webhooksPerTenantAreCappedAndListedPageByPage() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withLimits(Limits.defaults().withMaxWebhooksPerTenant(5)))) {
            ApiClient acme = server.tenant("acme");
            ApiClient other = server.tenant("other");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) ids.add(acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h" + i + "\"}").json().get("id").asText());
            ApiClient.Response sixth = acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h6\"}");
            assertThat(sixth.status()).isEqualTo(409);
            assertThat(sixth.json().get("error").get("code").asText()).isEqualTo("limit_reached");
            assertThat(other.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/o\"}").status()).as("another tenant is not affected").isEqualTo(201);

            Set<String> listed = new HashSet<>();
            String cursor = null;
            List<Integer> sizes = new ArrayList<>();
            do {
                ApiClient.Response page = acme.get("/v1/webhooks?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(page.status()).isEqualTo(200);
                sizes.add(page.json().get("webhooks").size());
                page.json().get("webhooks").forEach(w -> listed.add(w.get("id").asText()));
                cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
            } while (cursor != null);
            assertThat(sizes).containsExactly(2, 2, 1);
            assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(acme.get("/v1/webhooks?cursor=bm90LW91cnM").status()).isEqualTo(422);

            assertThat(acme.delete("/v1/webhooks/" + ids.getFirst()).status()).isEqualTo(204);
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h7\"}").status()).as("room again after a delete").isEqualTo(201);
        }
    }

    @Test
    void aRequestThatWouldCreateTooManyDeliveriesIsRefusedWhole() {
        try (TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(), c -> c.withLimits(Limits.defaults().withMaxDeliveriesPerRequest(10)))) {
            ApiClient acme = server.tenant("acme");
            for (int i = 0; i < 3; i++) acme.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/h" + i + "\"}");
            String four = "{\"events\":[" + "{\"event_type\":\"a.b\"},".repeat(3) + "{\"event_type\":\"a.b\"}]}";
            ApiClient.Response refused = acme.post("/v1/events", four);
            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.json().get("error").get("code").asText()).isEqualTo("too_many_deliveries");
            assertThat(refused.json().get("error").get("message").asText()).contains("12").contains("10");
            assertThat(acme.get("/v1/events").json().get("events")).as("nothing stored").isEmpty();
            String three = "{\"events\":[" + "{\"event_type\":\"a.b\"},".repeat(2) + "{\"event_type\":\"a.b\"}]}";
            assertThat(acme.post("/v1/events", three).json().get("accepted").asInt()).isEqualTo(3);
        }
    }

    @Test
    void aTenantOverItsIngestBudgetGets429WhileAnotherIsServed() throws Exception {
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(Limits.defaults().withTenantIngestBudgetBytes(5L << 20)), Clock.systemUTC());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ApiClient flood = server.tenant("flood");
            ApiClient calm = server.tenant("calm");
            StringBuilder big = new StringBuilder("{\"events\":[");
            // About 1.2 MiB a batch: four at once fill this tenant's 5 MiB budget.
            String pad = "p".repeat(1100);
            for (int i = 0; i < 1000; i++) {
                big.append(i == 0 ? "" : ",").append("{\"event_type\":\"page.view\",\"data\":{\"n\":").append(i).append(",\"pad\":\"").append(pad).append("\"}}");
            }
            String batch = big.append("]}").toString();
            ConcurrentLinkedQueue<ApiClient.Response> answers = new ConcurrentLinkedQueue<>();
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) sent.add(pool.submit(() -> answers.add(flood.post("/v1/events", batch))));
            List<Integer> calmStatuses = new ArrayList<>();
            for (int i = 0; i < 20; i++) calmStatuses.add(calm.post("/v1/events", "{\"event_type\":\"a.b\"}").status());
            for (Future<?> f : sent) f.get();
            List<ApiClient.Response> limited = answers.stream().filter(r -> r.status() == 429).toList();
            assertThat(limited).as("the flooding tenant is told to slow down").isNotEmpty();
            assertThat(limited.getFirst().header("Retry-After")).isEqualTo("1");
            assertThat(limited.getFirst().json().get("error").get("code").asText()).isEqualTo("too_many_requests");
            // What is in progress and what this request would add, against the budget: not the budget said to be in progress.
            assertThat(limited.getFirst().json().get("error").get("message").asText())
                    .matches("This tenant has [0-4]\\.\\d MiB of request bodies in progress, and this one's 1\\.[0-9] MiB would pass its budget of 5\\.0 MiB; .*");
            assertThat(answers).extracting(ApiClient.Response::status).containsOnly(200, 429);
            assertThat(calmStatuses).as("another tenant is never refused").containsOnly(202);
        }
    }

    @Test
    void aTenantTricklingLargeBodiesHoldsOnlyItsOwnShareOfTheBodyBudget() throws Exception {
        // A 5 MiB tenant share of an 8 MiB budget. Before, the share was taken only once a body had been read,
        // so four 2 MiB bodies sent a byte at a time (on any route) held the whole budget and every other
        // tenant's request waited 30 s for a 503.
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(Limits.defaults().withTenantIngestBudgetBytes(5L << 20).withBodyBudgetBytes(8L << 20)), Clock.systemUTC())) {
            ApiClient slow = server.tenant("slow");
            ApiClient other = server.tenant("other");
            int port = java.net.URI.create(server.baseUrl()).getPort();
            String head = "POST /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + slow.key()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (2 << 20) + "\r\n\r\n{";
            List<java.net.Socket> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
                    trickling.add(socket);
                    socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                }
                // Two fit the tenant's 5 MiB; the others are refused at once, not queued (which two is a race).
                int refused = 0;
                for (java.net.Socket socket : trickling) {
                    socket.setSoTimeout(1_500);
                    try {
                        String answer = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.UTF_8);
                        if (answer.equals("HTTP/1.1 429")) refused++;
                    } catch (java.net.SocketTimeoutException admitted) {
                        // waiting for the rest of its body
                    }
                }
                assertThat(refused).as("the tenant's bodies beyond its share are refused at once").isEqualTo(2);
                long started = System.nanoTime();
                ApiClient.Response event = other.post("/v1/events", "{\"event_type\":\"a.b\"}");
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertThat(event.status()).isEqualTo(202);
                assertThat(millis).as("another tenant's request does not wait for the trickling bodies").isLessThan(2_000);
            } finally {
                for (java.net.Socket socket : trickling) socket.close();
            }
        }
    }

    @Test
    void aTenantsLongRunningWebhookTestsDoNotHoldAnotherTenantsRequestsOutOfTheBodyBudget() throws Exception {
        try (dev.eventwire.support.Receiver hanging = new dev.eventwire.support.Receiver();
             TestServer server = TestServer.withLoopbackReceivers(dir, Clock.systemUTC(),
                     c -> c.withDeliveryTimeout(java.time.Duration.ofSeconds(3)).withLimits(Limits.defaults().withBodyBudgetBytes(8L << 20)))) {
            hanging.answer(r -> new dev.eventwire.support.Receiver.Answer(200, java.util.Map.of(), "", java.time.Duration.ofSeconds(30)));
            ApiClient acme = server.tenant("acme");
            ApiClient other = server.tenant("other");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"" + hanging.url("/hang") + "\"}").json().get("id").asText();
            // Each test waits for its attempts (three delivery timeouts); with no body, none may hold the
            // 8 MiB budget (a request that said no length used to reserve the 5 MiB maximum for all that time).
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> tests = new ArrayList<>();
                int port = java.net.URI.create(server.baseUrl()).getPort();
                // As curl -XPOST sends it: no body, so neither Content-Length nor Transfer-Encoding.
                String request = "POST /v1/webhooks/" + hook + "/test HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + acme.key()
                        + "\r\nConnection: close\r\n\r\n";
                for (int i = 0; i < 4; i++) tests.add(pool.submit(() -> {
                    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                        socket.setSoTimeout(60_000);
                        socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        socket.getOutputStream().flush();
                        return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                }));
                Receiver.await(() -> hanging.received().size() >= 4, java.time.Duration.ofSeconds(10), "the four tests reach the receiver");
                long started = System.nanoTime();
                ApiClient.Response event = other.post("/v1/events", "{\"event_type\":\"a.b\"}");
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertThat(event.status()).isEqualTo(202);
                assertThat(millis).as("the other tenant's event is not held behind the tests").isLessThan(2_000);
                for (Future<String> t : tests) assertThat(t.get()).startsWith("HTTP/1.1 200");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.now();

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** A batch of 1,000 events of about 900 bytes each. */
    private static String batchOf900KB(String prefix) {
        String pad = "x".repeat(850);
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 1000; i++) {
            if (i > 0) b.append(',');
            b.append("{\"event_id\":\"").append(prefix).append('-').append(i).append("\",\"event_type\":\"bulk.load\",\"data\":{\"pad\":\"").append(pad).append("\"}}");
        }
        return b.append("]}").toString();
    }

    @Test
    void aTenantPastItsBytesPerSecondIsAskedToWaitAndOthersAreNot() throws Exception {
        HandClock clock = new HandClock();
        // 1 MiB/s: the bucket holds one largest request (5 MiB), so five 900 KB batches pass at once.
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(Limits.defaults().withTenantBodyBytesPerSecond(1L << 20)), clock)) {
            ApiClient bulk = server.tenant("bulk");
            ApiClient other = server.tenant("other");
            for (int i = 0; i < 5; i++) {
                assertThat(bulk.post("/v1/events", batchOf900KB("b" + i)).status()).as("batch %d", i).isEqualTo(200);
            }
            ApiClient.Response refused = bulk.post("/v1/events", batchOf900KB("b5"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("error").get("code").asText()).isEqualTo("rate_limited");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(bulk.get("/v1/events/b5-0").status()).as("nothing of a refused batch is stored").isEqualTo(404);
            assertThat(other.post("/v1/events", batchOf900KB("o")).status()).as("another tenant's bucket is its own").isEqualTo(200);

            // A second later the bucket holds 1 MiB more: one more batch fits, and the next asks for the time it needs.
            clock.advance(java.time.Duration.ofSeconds(1));
            assertThat(bulk.post("/v1/events", batchOf900KB("b5")).status()).isEqualTo(200);
            ApiClient.Response again = bulk.post("/v1/events", batchOf900KB("b6"));
            assertThat(again.status()).isEqualTo(429);
            assertThat(again.header("Retry-After")).isEqualTo("1");
            assertThat(bulk.post("/v1/events", "{\"event_type\":\"a.b\"}").status()).as("a small event still fits").isEqualTo(202);
            clock.advance(java.time.Duration.ofSeconds(5));
            assertThat(bulk.post("/v1/events", batchOf900KB("b6")).status()).isEqualTo(200);
        }
    }

    @Test
    void withoutARateATenantIsBoundOnlyByWhatItHasInProgress() throws Exception {
        HandClock clock = new HandClock();
        try (TestServer server = TestServer.start(dir, c -> c, clock)) {
            ApiClient bulk = server.tenant("bulk");
            for (int i = 0; i < 8; i++) assertThat(bulk.post("/v1/events", batchOf900KB("b" + i)).status()).isEqualTo(200);
        }
    }
}
