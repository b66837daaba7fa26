package dev.eventwire.http;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.Echo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Refuses a request whose path or query string holds a malformed percent-escape ({@code %ZZ}, the
 * non-standard {@code %u0041}, bytes that are not UTF-8), or a query parameter given twice. Left to the framework, such a path parameter
 * failed deep inside a route, and such a query parameter was dropped without a word — a filter silently
 * ignored widens what a list returns.
 */
final class UrlEscapes {
    private UrlEscapes() {
    }

    /**
     * Throws 400 when the raw (still escaped) path or query string is malformed, or the query string gives
     * a parameter twice (which one counts would be a guess: the first was taken, silently).
     */
    static void requireValid(String rawPath, String rawQuery) {
        Optional<String> problem = problem(rawPath).map(p -> "The path " + p).or(() -> problem(rawQuery).map(p -> "The query string " + p))
                .or(() -> repeated(rawQuery).map(name -> "The query parameter '" + name + "' is given more than once."));
        if (problem.isPresent()) throw new ApiException(400, "bad_request", problem.get(), null);
    }

    /** The first parameter name the (well-escaped) query string gives twice. */
    private static Optional<String> repeated(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return Optional.empty();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            String name = java.net.URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (!seen.add(name)) return Optional.of(Echo.of(name));
        }
        return Optional.empty();
    }

    /** What is wrong with the escapes of {@code raw}, or empty when they are well formed UTF-8. */
    static Optional<String> problem(String raw) {
        if (raw == null || raw.indexOf('%') < 0) return Optional.empty();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) return Optional.of("has a malformed percent-escape at character " + (i + 1) + ": % must be followed by two hex digits.");
            bytes.write(high * 16 + low);
            i += 2;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return Optional.empty();
        } catch (CharacterCodingException e) {
            return Optional.of("has percent-escapes that are not UTF-8.");
        }
    }
}
