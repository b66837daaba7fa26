package dev.eventwire.delivery;

import static dev.eventwire.support.Receiver.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed attempt's outcome is committed (the delivery due again, its lease cleared) a moment before the
 * engine hears it was: the store acknowledges once the webhook's health is written too, one more commit
 * later, and a loaded machine stretches that. A retry due within that moment is claimed while the engine
 * still holds the attempt that failed; it must be sent then, not dropped with the acknowledgement and left
 * leased until the lease (60 s) lapses.
 */
class RetryBeforeAcknowledgementTest {
    private static final Duration ACK_DELAY = Duration.ofMillis(600);

    @TempDir
    Path dir;

    /** The real store, whose acknowledgements of recorded outcomes reach the engine {@link #ACK_DELAY} after their commit. */
    private static DeliveryStore acknowledgingLate(DeliveryStore store) {
        return (DeliveryStore) Proxy.newProxyInstance(DeliveryStore.class.getClassLoader(), new Class<?>[]{DeliveryStore.class}, (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (!method.getName().equals("record")) return result;
            return ((CompletableFuture<?>) result).thenCompose(committed -> CompletableFuture.supplyAsync(() -> committed,
                    CompletableFuture.delayedExecutor(ACK_DELAY.toMillis(), TimeUnit.MILLISECONDS)));
        });
    }

    @Test
    void aRetryDueBeforeTheFailedAttemptIsAcknowledgedIsSentWithoutWaitingForTheLease() {
        UnaryOperator<DeliveryStore> lateAcks = RetryBeforeAcknowledgementTest::acknowledgingLate;
        List<Duration> retries = List.of(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100));
        try (Receiver failing = new Receiver(); TestServer server = TestServer.withEngineView(dir, c -> c.withRetrySchedule(retries), lateAcks)) {
            failing.answerStatus(500);
            ApiClient acme = server.tenant("acme");
            String hook = acme.post("/v1/webhooks", "{\"url\":\"" + failing.url("/payments") + "\"}").json().get("id").asText();
            assertThat(acme.post("/v1/events", "{\"event_id\":\"pay-1\",\"event_type\":\"payment.failed\"}").status()).isEqualTo(202);

            // Four attempts, each acknowledged 0.6 s late, take about 3 s; a retry left leased waits 60 s.
            await(() -> "dead".equals(acme.get("/v1/webhooks/" + hook + "/deliveries/pay-1").json().path("status").asText()),
                    Duration.ofSeconds(30), "pay-1 to be dead after its retries");
            // Each attempt went out once: the claim that took the retry early did not send it twice either.
            assertThat(failing.receivedFor("pay-1")).hasSize(1 + retries.size());
            assertThat(acme.get("/v1/webhooks/" + hook + "/deliveries/pay-1").json().path("attempts").asInt()).isEqualTo(1 + retries.size());
        }
    }
}
