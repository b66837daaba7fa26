package dev.eventwire.support;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The one JSON configuration of the service. Decimals are read as {@code BigDecimal} so that event
 * data is stored and re-sent exactly as the client wrote it; duplicate keys are refused.
 */
public final class Json {
    static final int MAX_NESTING = 200;
    static final int MAX_NUMBER_CHARACTERS = 2100;
    /** The parser's own limit on a name (key), kept: no field this service reads comes near it. */
    static final int MAX_NAME_CHARACTERS = StreamReadConstraints.DEFAULT_MAX_NAME_LEN;
    private final ObjectMapper mapper;
    /** Reads a request body's value; what follows it is checked by {@link #requireNothingFollows}. */
    private final com.fasterxml.jackson.databind.ObjectReader treeReader;
    /** Reads what this service stored: the same settings, without the limit on a number's length that guards requests. */
    private final ObjectMapper stored;

    public Json() {
        JsonMapper.Builder builder = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .addModule(microsecondInstants())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
        this.mapper = builder.build();
        // Numbers up to the validator's own limit (1000 digits on each side of the point, a sign, an
        // exponent) reach the validator, which refuses what is beyond it with 422 and a field.
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                .maxNumberLength(MAX_NUMBER_CHARACTERS).build());
        mapper.setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
        this.treeReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.stored = mapper.copy();
        // A value an earlier version let through must not keep the service from starting.
        stored.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                .maxNumberLength(Integer.MAX_VALUE).build());
    }

    /**
     * Instants written to the microsecond, as the stores keep them and the API's documents say: a time
     * read from the clock (a metric's {@code computed_at}) showed nine digits beside stored times' six.
     */
    private static Module microsecondInstants() {
        SimpleModule module = new SimpleModule("microsecond-instants");
        module.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.truncatedTo(ChronoUnit.MICROS).toString());
            }
        });
        return module;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses a request body; throws {@link ApiException} 400 when it is not JSON. */
    public JsonNode parse(byte[] body) {
        if (looksLikeUtf16Or32(body)) {
            throw new ApiException(400, "malformed_json", "The request body is not valid JSON: it is not UTF-8 (it looks like UTF-16 or UTF-32); send JSON in UTF-8.", null);
        }
        try {
            JsonNode node;
            try (JsonParser parser = new ExponentClampingParser(mapper.getFactory().createParser(body))) {
                node = treeReader.readTree(parser);
                if (node == null || node.isMissingNode()) {
                    throw new ApiException(400, "malformed_json", "The request body is empty; a JSON value was expected.", null);
                }
                requireNothingFollows(parser);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "The request body is not valid JSON" + where(e) + ": " + plain(e.getOriginalMessage()), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Only white space may follow the value. Checked here rather than by the parser's own rule, which reads
     * the next token first: {@code {...} xx} was then "unknown word 'xx'", as if the value itself were wrong.
     */
    private static void requireNothingFollows(JsonParser parser) throws IOException {
        com.fasterxml.jackson.core.JsonLocation at = parser.currentLocation();
        boolean follows;
        try {
            follows = parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            // A stray closing bracket or a control character is named as such; any other text is "something follows".
            String specific = plain(e.getOriginalMessage());
            if (specific.startsWith("a closing bracket") || specific.startsWith("a control character")) {
                throw new ApiException(400, "malformed_json", "The request body is not valid JSON" + where(e) + ": " + specific, null);
            }
            follows = true;
        }
        if (follows) {
            throw new ApiException(400, "malformed_json", "The request body is not valid JSON" + where(at) + ": something follows the JSON value.", null);
        }
    }

    /**
     * The parser would otherwise guess a body's encoding from its first bytes and read UTF-16 and UTF-32
     * as well. JSON here is UTF-8 only (a body declared in another charset is refused before it is read),
     * and a body read in a guessed encoding is not what the client meant to send: a zero byte, which UTF-8
     * JSON never holds, among the first four bytes, or a UTF-16 byte-order mark, means another encoding.
     */
    private static boolean looksLikeUtf16Or32(byte[] body) {
        if (body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF) || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) return true;
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) return true;
        }
        return false;
    }

    private static String where(JsonProcessingException e) {
        return where(e.getLocation());
    }

    private static String where(com.fasterxml.jackson.core.JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * The parser's message in this service's words: the common cases said plainly, the rest without the
     * names of library classes and settings the parser mentions.
     */
    static String plain(String message) {
        if (message == null) return "unreadable input.";
        if (message.startsWith("Non-standard token")) return "NaN and Infinity are not JSON numbers.";
        if (message.contains("ALLOW_COMMENTS")) return "comments are not allowed in JSON.";
        if (message.startsWith("Trailing token")) return "something follows the JSON value.";
        if (message.startsWith("Document nesting depth")) return "nested deeper than " + MAX_NESTING + " levels.";
        if (message.startsWith("Number value length")) return "a number is longer than " + MAX_NUMBER_CHARACTERS + " characters.";
        if (message.startsWith("Name length")) return "a name is longer than " + MAX_NAME_CHARACTERS + " characters.";
        if (message.contains("ALLOW_SINGLE_QUOTES")) return "strings and names take double quotes.";
        if (message.contains("ALLOW_UNQUOTED_FIELD_NAMES")) return "names must be in double quotes.";
        if (message.contains("ALLOW_LEADING") || message.contains("Leading zeroes")) return "a number has a leading zero or plus sign.";
        if (message.startsWith("Unexpected end-of-input")) return "the body ends before the JSON value does (an object, array or string is left open).";
        if (message.startsWith("Illegal unquoted character")) return "a control character inside a string must be escaped with a backslash.";
        if (message.startsWith("Unexpected close marker")) return "a closing bracket or brace with nothing open for it to close.";
        if (message.startsWith("Invalid UTF-8")) return "the body is not valid UTF-8.";
        if (message.startsWith("Illegal character ((CTRL-CHAR")) return "a control character outside a string: only spaces, tabs and line breaks may stand between a JSON value's parts.";
        if (message.contains("surrogate")) return "a \\u escape leaves half of a surrogate pair, which is not valid Unicode.";
        if (message.startsWith("Duplicate field")) return message.replaceAll("^Duplicate field '(.*)'.*$", "the name '$1' appears twice in one object.");
        if (message.contains(" in numeric value")) return "a number is malformed.";
        String m = message.replaceAll("\\(from `[^`]*`\\)", "").replaceAll("`[^`]*`", "a value")
                .replaceAll(" ?\\(?(start marker at )?\\[Source:[^\\]]*\\]\\)?", "")
                .replaceAll("^Unexpected character \\('(.)' \\(code \\d+\\)\\)", "unexpected '$1'")
                .replaceAll("^Unrecognized token '([^']*)'", "unknown word '$1'")
                .replaceAll("^Unrecognized character escape '(.)' \\(code \\d+\\)", "unknown escape \\\\$1 in a string")
                .replaceAll(":? (expected a valid value|was expecting) \\(JSON String, Number, Array, Object or token 'null', 'true' or 'false'\\)",
                        ": a value is a string in double quotes, a number, an object, an array, true, false or null")
                .replace("was expecting double-quote to start field name", "a name in double quotes was expected")
                .replace("was expecting a colon to separate field name and value", "a colon was expected after the name")
                .replace("was expecting comma to separate Object entries", "a comma was expected between an object's entries")
                .replace("was expecting comma to separate Array entries", "a comma was expected between an array's items")
                .replace("expected a hex-digit for character escape sequence", "a \\u escape needs four hexadecimal digits")
                .replaceAll("\\s+", " ").strip();
        if (m.toLowerCase(java.util.Locale.ROOT).matches(".*(jackson|constraints|java\\.|exception).*")) return "unreadable input.";
        int newline = m.indexOf('\n');
        return newline > 0 ? m.substring(0, newline) : m;
    }

    /**
     * Writes what a client sent, for the rejected-events log: numbers in exponent form where needed, so a
     * value such as 1e99999 (refused for that very reason) can still be kept as sent.
     */
    public String writeAsReceived(JsonNode value) {
        try {
            return mapper.writer().without(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value cannot be written as JSON", e);
        }
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value cannot be written as JSON", e);
        }
    }

    public JsonNode read(String json) {
        try {
            return stored.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }
}
