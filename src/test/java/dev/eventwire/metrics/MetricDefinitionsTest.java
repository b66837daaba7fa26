package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricDefinitionsTest {
    @TempDir
    Path dir;

    @Test
    void aCustomMetricsFileAddsMetricsThatAreServed() throws Exception {
        Path file = dir.resolve("metrics.yaml");
        Files.writeString(file, """
                metrics:
                  - name: refund_total
                    description: Money refunded.
                    unit: currency
                    type: sum
                    field: amount
                    event_types: [refund]
                  - name: largest_refund
                    type: max
                    field: amount
                    event_types: [refund]
                  - name: avg_items
                    type: avg
                    field: cart.items
                    event_types: [order.created]
                  - name: refund_ratio
                    type: ratio
                    numerator: refund_total
                    denominator: revenue
                """);
        try (TestServer server = TestServer.start(dir.resolve("data"), c -> c.withMetricsFile(file), Clock.systemUTC())) {
            ApiClient acme = server.tenant("acme");
            acme.post("/v1/events", "{\"events\":[{\"event_type\":\"refund.issued\",\"data\":{\"amount\":10}},"
                    + "{\"event_type\":\"refund.issued\",\"data\":{\"amount\":30}},"
                    + "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":200,\"cart\":{\"items\":3}}},"
                    + "{\"event_type\":\"order.created\",\"data\":{\"total_amount\":200,\"cart\":{\"items\":4}}}]}");
            assertThat(acme.get("/v1/metrics/refund_total?window=5m").json().get("value").asText()).isEqualTo("40");
            assertThat(acme.get("/v1/metrics/largest_refund?window=5m").json().get("value").asText()).isEqualTo("30");
            assertThat(acme.get("/v1/metrics/avg_items?window=5m").json().get("value").asText()).isEqualTo("3.5");
            assertThat(acme.get("/v1/metrics/refund_ratio?window=5m").json().get("value").asText()).isEqualTo("0.1");
            JsonNode catalog = acme.get("/v1/metrics").json().get("metrics");
            assertThat(catalog.findValuesAsText("name")).contains("refund_total", "refund_ratio", "revenue");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'metrics:\n  - name: x\n    type: median\n    field: a'|metric 'x': field 'type'",
            "'metrics:\n  - name: x\n    type: sum'|metric 'x': field 'field'",
            "'metrics:\n  - name: x\n    type: count\n    field: a'|metric 'x': field 'field'",
            "'metrics:\n  - name: x\n    type: ratio\n    numerator: nope\n    denominator: revenue'|metric 'x': field 'numerator' names unknown metric 'nope'",
            "'metrics:\n  - name: x\n    type: ratio\n    numerator: revenue\n    denominator: error_rate'|metric 'x': field 'denominator' names ratio 'error_rate'",
            "'metrics:\n  - name: x\n    type: count\n    event_types: [Order]'|metric 'x': field 'event_types'",
            "'metrics:\n  - name: Bad-Name\n    type: count'|field 'name'",
            "'metrics:\n  - name: x\n    type: count\n    colour: red'|metric 'x': unknown field 'colour'",
            "'just: text'|top-level 'metrics:' list"})
    void aBrokenDefinitionStopsTheStartNamingMetricAndField(String yaml, String message) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, yaml);
        assertThatThrownBy(() -> MetricDefinitions.load(Optional.of(file)))
                .isInstanceOf(MetricDefinitionException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> TestServer.start(dir.resolve("data"), c -> c.withMetricsFile(file), Clock.systemUTC()))
                .isInstanceOf(MetricDefinitionException.class);
    }

    @Test
    void serveExitsWithAClearMessageOnABrokenFile() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "metrics:\n  - name: x\n    type: sum\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.eventwire.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("d").toString(),
                "--metrics-file", file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(output).contains("cannot start").contains("metric 'x'").contains("field 'field'");
    }
}
