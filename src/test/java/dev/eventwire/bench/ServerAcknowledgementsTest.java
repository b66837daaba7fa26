package dev.eventwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's per-slice share of requests the server acknowledged within 50 ms, read from a real server's /metrics. */
class ServerAcknowledgementsTest {

    @Test
    void aSliceCountsTheRequestsAcknowledgedSinceTheLastOne(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient acme = server.tenant("acme");
            ApiClient anyone = server.anonymous();
            ServerAcknowledgements acknowledgements = new ServerAcknowledgements(() -> anyone.get("/metrics").body());
            assertThat(acknowledgements.takeSlice()).as("nothing acknowledged in the slice").isNaN();

            for (int i = 0; i < 20; i++) {
                assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"data\":{}}").status()).isEqualTo(202);
            }
            // How many were within 50 ms depends on the machine; that they were counted does not.
            assertThat(acknowledgements.takeSlice()).isBetween(0.0, 1.0);
            assertThat(acme.post("/v1/events", "{not json").status()).isEqualTo(400);
            assertThat(acknowledgements.takeSlice()).as("a refused request is no acknowledgement").isNaN();
        }
    }

    @Test
    void theShareIsTheSlicesRequestsWithinFiftyMillisecondsOverAllOfIt() {
        java.util.Iterator<String> scrapes = java.util.List.of(scrape(10, 8), scrape(30, 26)).iterator();
        ServerAcknowledgements acknowledgements = new ServerAcknowledgements(scrapes::next);
        assertThat(acknowledgements.takeSlice()).isEqualTo(0.9);
    }

    /** The histogram as the server's /metrics writes it, with {@code all} requests of which {@code withinGoal} took 50 ms or less. */
    private static String scrape(int all, int withinGoal) {
        return "# HELP eventwire_ingest_acknowledgement_seconds Time the server took\n"
                + "# TYPE eventwire_ingest_acknowledgement_seconds histogram\n"
                + "eventwire_ingest_acknowledgement_seconds_bucket{le=\"0.025\"} " + (withinGoal - 1) + ".0\n"
                + "eventwire_ingest_acknowledgement_seconds_bucket{le=\"0.05\"} " + withinGoal + ".0\n"
                + "eventwire_ingest_acknowledgement_seconds_bucket{le=\"+Inf\"} " + all + ".0\n"
                + "eventwire_ingest_acknowledgement_seconds_count " + all + ".0\n"
                + "eventwire_ingest_acknowledgement_seconds_sum 0.5\n";
    }

    @Test
    void aServerWithoutTheHistogramIsNotAvailableRatherThanZero() {
        ServerAcknowledgements acknowledgements = new ServerAcknowledgements(() -> "# TYPE other_total counter\nother_total 3\n");
        double share = acknowledgements.takeSlice();
        assertThat(share).isNaN();
        assertThat(ServerAcknowledgements.describe(share)).isEqualTo("server ack n/a");
        assertThat(ServerAcknowledgements.describe(0.9971)).isEqualTo("server ack ≤ 50 ms  99.71 %");
    }
}
