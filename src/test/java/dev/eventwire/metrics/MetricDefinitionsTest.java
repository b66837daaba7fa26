package dev.eventwire.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
            "'just: text'|top-level 'metrics:' list",
            // Skipped before: the metrics of a second document, or beside another key, were missing without a word.
            "'metrics:\n  - name: x\n    type: count\n---\nmetrics:\n  - name: y\n    type: count'|line 5: a second YAML document; put every metric in the one 'metrics:' list",
            "'metrics:\n  - name: x\n    type: count\nother: 1'|line 4: unknown top-level key 'other' (the file holds only a top-level 'metrics:' list)",
            "'other: 1\nmetrics:\n  - name: x\n    type: count'|line 1: unknown top-level key 'other'",
            // YAML reads these unquoted values as numbers or booleans: kept, the text would not be what was written.
            "'metrics:\n  - name: x\n    type: avg\n    field: 1.50'|metric 'x': field 'field' must be text; YAML read it as the number 1.5, so write it in quotes",
            "'metrics:\n  - name: x\n    type: count\n    description: 1e400'|metric 'x': field 'description' must be text; YAML read it as the number",
            "'metrics:\n  - name: x\n    type: count\n    unit: 0x10'|metric 'x': field 'unit' must be text; YAML read it as the number 16",
            "'metrics:\n  - name: x\n    type: count\n    description: .inf'|line 4, column 22: YAML reads .inf as a number that is not finite; write it in quotes if it is text",
            "'metrics:\n  - name: x\n    type: count\n    unit: -.Inf'|line 4, column 16: YAML reads -.Inf as a number that is not finite; write it in quotes if it is text",
            "'metrics:\n  - name: x\n    type: count\n    description: .nan'|line 4, column 22: YAML reads .nan as a number that is not finite; write it in quotes if it is text",
            "'metrics:\n  - name: x\n    type: count\n    event_types: [true]'|metric 'x': field 'event_types': each item must be text; YAML read it as true",
            "'metrics:\n  - name: true\n    type: count'|metric #1: field 'name' must be text; YAML read it as true",
            "'metrics:\n  - name: x\n    type: [count]'|metric 'x': field 'type' must be text; YAML read it as a list",
            "'metrics:\n  - name: d2\n    type: count\n    name: d3'|the key 'name' appears twice in one mapping"})
    void aBrokenDefinitionStopsTheStartNamingMetricAndField(String yaml, String message) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, yaml);
        assertThatThrownBy(() -> MetricDefinitions.load(Optional.of(file)))
                .isInstanceOf(MetricDefinitionException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> TestServer.start(dir.resolve("data"), c -> c.withMetricsFile(file), Clock.systemUTC()))
                .isInstanceOf(MetricDefinitionException.class);
    }

    /** A file may open with the document marker YAML allows: one document is still one document. */
    @Test
    void aFileOpeningWithADocumentMarkerIsRead() throws Exception {
        Path file = dir.resolve("marked.yaml");
        Files.writeString(file, "---\nmetrics:\n  - name: marked\n    type: count\n...\n");
        assertThat(MetricDefinitions.load(Optional.of(file)).find("marked")).isPresent();
    }

    /** A name refused for its length is told the length limit, not that its characters are wrong. */
    @Test
    void aNameLongerThan64CharactersIsRefusedWithTheWholeRule() throws Exception {
        Path file = dir.resolve("long.yaml");
        Files.writeString(file, "metrics:\n  - name: " + "a".repeat(64) + "\n    type: count\n  - name: " + "b".repeat(97) + "\n    type: count\n");
        assertThatThrownBy(() -> MetricDefinitions.load(Optional.of(file)))
                .isInstanceOf(MetricDefinitionException.class)
                .hasMessageContaining(", line 4: metric #2: field 'name' must start with a lowercase letter, then lowercase letters, digits and _,"
                        + " at most 64 characters in all (got '" + "b".repeat(97) + "')");
        Files.writeString(file, "metrics:\n  - name: " + "a".repeat(64) + "\n    type: count\n");
        assertThat(MetricDefinitions.load(Optional.of(file)).find("a".repeat(64))).as("64 characters is allowed").isPresent();
    }

    /** What an operator reads when serve refuses a file: one line naming the file, the line, the metric and the problem. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'{{{\n'|is not valid YAML: line 1, column 3: a key must be a plain name, not a mapping or list",
            "'metrics:\n  - name: x\n   type: sum\n'|is not valid YAML: line 3, column 4: expected <block end>, but found '<block mapping start>'",
            "'metrics:\n  - name: x\n    type: sum\n    field: \"a..b\"\n'|, line 2: metric 'x': field 'field' must be a path inside data of names"
                    + " joined by dots, such as total_amount or cart.items (got 'a..b')",
            "'metrics:\n  - name: x\n    type: count\n  - name: y\n    type: count\n    event_types: []\n'|, line 4: metric 'y':"
                    + " field 'event_types' is empty; leave it out to count every event type",
            "'metrics:\n  - name: x\n    type: count\n    source: rejected\n    event_types: [order]\n'|, line 2: metric 'x':"
                    + " field 'event_types' does not apply to source rejected (rejected events are counted whatever their type)",
            "'metrics:\n  - name: x\n    type: sum\n    field: amount\n    source: rejected\n'|, line 2: metric 'x':"
                    + " source rejected counts rejected events; type must be count (got sum)",
            "'metrics:\n  - name: x\n    type: ratio\n    numerator: nope\n    denominator: revenue\n'|, line 2: metric 'x':"
                    + " field 'numerator' names unknown metric 'nope'"})
    void serveRefusesABadFileInOneLine(String yaml, String problem) throws Exception {
        Path file = dir.resolve("m.yaml");
        Files.writeString(file, yaml);
        Serve serve = serveWith(file);
        assertThat(serve.exit()).isEqualTo(2);
        assertThat(serve.lines()).containsExactly("eventwire: cannot start: metrics file " + file + (problem.startsWith(",") ? "" : " ") + problem);
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "metrics:\n  - name: x\n    description: caf\u00e9\n    type: count\n".getBytes(StandardCharsets.ISO_8859_1));
        Serve serve = serveWith(file);
        assertThat(serve.exit()).isEqualTo(2);
        assertThat(serve.lines()).containsExactly("eventwire: cannot start: metrics file " + file + ", line 3: not UTF-8 text (save the file as UTF-8)");
    }

    private Serve serveWith(Path file) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.eventwire.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("d").toString(),
                "--metrics-file", file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        // A file wrongly accepted starts a server: it is stopped rather than waited for.
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        p.destroyForcibly().waitFor();
        return new Serve(ended ? p.exitValue() : -1, Files.readAllLines(dir.resolve("out.txt")));
    }

    private record Serve(int exit, List<String> lines) {
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
