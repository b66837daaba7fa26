package dev.eventwire.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Requests are held to the number-length limit; what the service stored is always read back. */
class JsonTest {
    private final Json json = new Json();
    private final String longNumber = "{\"min_amount\":0." + "0".repeat(2199) + "1}";

    @Test
    void aRequestWithANumberBeyondTheLimitIsRefusedButStoredJsonWithOneIsRead() {
        assertThatThrownBy(() -> json.parse(longNumber.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(json.read(longNumber).get("min_amount").decimalValue().scale()).isEqualTo(2200);
    }

    @Test
    void anExponentNoDecimalCanHoldIsReadAsANumberEveryFieldLimitRefuses() {
        // Failing the parse would refuse a whole batch for one item's number; read at the edge of the
        // range, each field's own limit refuses it and names it.
        for (String n : new String[]{"1e-2147483648", "1e9999999999", "-1.5e-3000000000", "0e-2147483649", "2E+2147483648"}) {
            java.math.BigDecimal read = json.parse(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)).get("n").decimalValue();
            assertThat(dev.eventwire.events.EventValidator.exceedsDigits(read)).as(n).isTrue();
            assertThat(read.signum()).as(n).isEqualTo(n.startsWith("-") ? -1 : 1);
        }
        assertThat(json.parse("[1e-2147483647]".getBytes(StandardCharsets.UTF_8)).get(0).decimalValue().scale()).isEqualTo(2147483647);
    }

    @Test
    void aBodyInUtf16OrUtf32IsRefusedRatherThanReadInAGuessedEncoding() {
        String event = "{\"event_type\":\"a.b\",\"data\":{\"s\":\"caf\u00e9\"}}";
        java.util.Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        bodies.put("UTF-16LE", event.getBytes(StandardCharsets.UTF_16LE));
        bodies.put("UTF-16BE", event.getBytes(StandardCharsets.UTF_16BE));
        bodies.put("UTF-16 with its byte-order mark", event.getBytes(StandardCharsets.UTF_16));
        bodies.put("UTF-32LE", event.getBytes(java.nio.charset.Charset.forName("UTF-32LE")));
        bodies.put("UTF-32BE", event.getBytes(java.nio.charset.Charset.forName("UTF-32BE")));
        bodies.put("a lone value in UTF-16BE", "7".getBytes(StandardCharsets.UTF_16BE));
        bodies.forEach((name, body) -> assertThatThrownBy(() -> json.parse(body)).as(name).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("malformed_json");
            assertThat(e.getMessage()).contains("not UTF-8");
        }));
        assertThat(json.parse(event.getBytes(StandardCharsets.UTF_8)).get("data").get("s").asText()).isEqualTo("caf\u00e9");
        assertThat(json.parse("7".getBytes(StandardCharsets.UTF_8)).asInt()).isEqualTo(7);
    }

    @Test
    void malformedBodiesAreExplainedInPlainWordsWithoutTheParsersOwnText() {
        String[][] cases = {
            {"{\"url\":\"x\"", "(line 1, column 11): the body ends before the JSON value does (an object, array or string is left open)."},
            {"{\"a\":\"x", "the body ends before the JSON value does"},
            {"{\"a\":.5}", "(line 1, column 6): unexpected '.': a value is a string in double quotes, a number, an object, an array, true, false or null"},
            {"{\"a\":tru}", "unknown word 'tru': a value is a string in double quotes"},
            {"{\"a\":\"\t\"}", "a control character inside a string must be escaped with a backslash."},
            {"\"\\q\"", "unknown escape \\q in a string"},
            {"{\"" + "k".repeat(1_000_000) + "\":1}", "a name is longer than 50000 characters."},
            {"{\"a\":1}}", "a closing bracket or brace with nothing open for it to close."},
            {"{a:1}", "unexpected 'a': a name in double quotes was expected"},
            {"{\"a\" 1}", "a colon was expected after the name"},
            {"[1 2]", "a comma was expected between an array's items"},
            {"{\"a\":1,\"a\":2}", "the name 'a' appears twice in one object."},
            {"{\"a\":-}", "a number is malformed."},
            {"\"\\u12\"", "a \\u escape needs four hexadecimal digits"},
            {"{\"a\":1,\u0000\"b\":2}", "a control character outside a string: only spaces, tabs and line breaks"},
            {"{\"a\":1}\u0001", "a control character outside a string"},
            {"{\"a\":1} xx", "(line 1, column 8): something follows the JSON value."},
            {"[1] 2", "something follows the JSON value."},
            {"{\"\\ud800\":\"x\"}", "a \\u escape leaves half of a surrogate pair, which is not valid Unicode."},
            {"{\"\\ud800\\u0041\":\"x\"}", "half of a surrogate pair"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> json.parse(c[0].getBytes(StandardCharsets.UTF_8))).as(c[0]).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo("malformed_json");
                assertThat(e.getMessage()).contains(c[1]).doesNotContain("[Source", "(code ", "JSON String", "REDACTED", "marker", "was expecting", "field name");
            });
        }
    }
}
