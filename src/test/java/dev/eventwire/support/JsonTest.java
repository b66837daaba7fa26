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
    void anExponentNoDecimalCanHoldIsARefusalNotAServerError() {
        for (String n : new String[]{"1e-2147483648", "1e9999999999", "-1.5e-3000000000"}) {
            assertThatThrownBy(() -> json.parse(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8))).as(n)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.code()).isEqualTo("number_out_of_range");
                    });
        }
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
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> json.parse(c[0].getBytes(StandardCharsets.UTF_8))).as(c[0]).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo("malformed_json");
                assertThat(e.getMessage()).contains(c[1]).doesNotContain("[Source", "(code ", "JSON String", "REDACTED", "marker", "was expecting", "field name");
            });
        }
    }
}
