package dev.eventwire.http;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.Echo;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bodies are JSON in UTF-8, sent uncompressed: a request that declares anything else is refused (415)
 * rather than guessed at. A body declared in another charset would be read wrongly, or refused later as
 * invalid UTF-8 with a message that hides why.
 */
final class JsonBodyRule {
    private JsonBodyRule() {
    }

    static void require(Context ctx) {
        // Sent twice, only the first would be checked and the body read as that one says: not guessed at either.
        for (String header : List.of("Content-Encoding", "Content-Type")) {
            int sent = Requests.headers(ctx, header).size();
            if (sent > 1) throw refused("Send " + header + " once (got " + sent + ").");
        }
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            throw refused("Request bodies are sent uncompressed: Content-Encoding " + Echo.of(encoding.strip()) + " is not supported.");
        }
        String type = ctx.header("Content-Type");
        if (type != null && !type.isBlank()) requireJson(type);
    }

    /** The media type must be JSON and every charset parameter, in whatever case its name is spelt, UTF-8. */
    private static void requireJson(String contentType) {
        List<String> parts = parts(contentType);
        String media = parts.getFirst().strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            String got = media.isEmpty() ? "no media type" : Echo.of(media);
            throw refused("Request bodies are JSON: send Content-Type: application/json (got " + got + ").");
        }
        for (String parameter : parts.subList(1, parts.size())) {
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).strip();
            if (!name.equalsIgnoreCase("charset")) continue;
            String value = equals < 0 ? "" : unquoted(parameter.substring(equals + 1).strip());
            if (!value.equalsIgnoreCase("utf-8") && !value.equalsIgnoreCase("utf8")) {
                throw refused("Request bodies are JSON in UTF-8 (got " + Echo.of(name + "=" + value) + ").");
            }
        }
    }

    /** The media type and its parameters, split at the semicolons outside quoted strings. */
    private static List<String> parts(String contentType) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (quoted && c == '\\' && i + 1 < contentType.length()) {
                part.append(c).append(contentType.charAt(++i));
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (c == ';' && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    private static String unquoted(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') return value;
        return value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
    }

    private static ApiException refused(String message) {
        return new ApiException(415, "unsupported_media_type", message, null);
    }
}
