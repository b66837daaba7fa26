package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Latches;
import dev.eventwire.support.PostgresServer;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook change and an event on different replicas: the event is acknowledged after the change, so it
 * must be fanned out against it. Here the change is a transaction held open between its epoch bump and
 * its commit (as a replica's is for a moment), and the event is posted to a replica meanwhile.
 */
@ExtendWith(PostgresServer.class)
class WebhookChangeOrderingTest {
    @TempDir
    Path dir;

    @Test
    void anEventPostedWhileAWebhookChangeCommitsWaitsForItAndIsFannedOutToIt(PostgresServer.Handle postgres) throws Exception {
        String url = postgres.freshDatabase();
        try (Receiver receiver = new Receiver();
             TestServer replica = TestServer.replica(dir.resolve("b"), url, "replica-b");
             PgDatabase other = PgDatabase.open(DatabaseUrl.parse(url), 2, "other-replica")) {
            ApiClient acme = replica.tenant("acme");
            String first = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/first") + "\"}").json().get("id").asText();
            CountDownLatch changing = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            Thread change = Thread.ofPlatform().start(() -> other.inTransaction(c -> {
                // A second webhook of the tenant, written as a replica writes one: its row, then the epoch.
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TEMP TABLE copy ON COMMIT DROP AS SELECT * FROM webhooks WHERE id = '" + first + "'");
                    st.execute("UPDATE copy SET id = 'wh_second', url = '" + receiver.url("/second") + "'");
                    st.execute("INSERT INTO webhooks SELECT * FROM copy");
                }
                PgWebhookStore.bumpEpoch(c);
                changing.countDown();
                Latches.awaitRelease(commit, Duration.ofSeconds(10));
                return null;
            }));
            assertThat(changing.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<ApiClient.Response> posted = CompletableFuture.supplyAsync(
                    () -> acme.post("/v1/events", "{\"event_id\":\"e1\",\"event_type\":\"order.created\"}"));
            Thread.sleep(1_000);
            assertThat(posted).as("the event waits for the change that is committing").isNotDone();
            commit.countDown();
            change.join();
            assertThat(posted.get(10, TimeUnit.SECONDS).status()).isEqualTo(202);
            Receiver.await(() -> receiver.received().stream().anyMatch(r -> r.path().equals("/second")), Duration.ofSeconds(20),
                    "the event reaches the webhook whose change committed before the event was acknowledged");
            // The two deliveries travel independently: the one to the first webhook may land a moment later.
            Receiver.await(() -> receiver.received().stream().anyMatch(r -> r.path().equals("/first")), Duration.ofSeconds(20),
                    "the event reaches the first webhook too");
            assertThat(receiver.received().stream().filter(r -> r.path().equals("/first"))).hasSize(1);
        }
    }
}
