package dev.eventwire.http;

import dev.eventwire.support.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cursor of a listing ordered by a key (a webhook id, an event type): base64url of a tag letter and the
 * last key shown. Opaque to clients; only a key of the listing's own form is accepted back, so a forged
 * cursor is 422 {@code invalid_cursor} rather than a query with arbitrary text.
 */
record KeyCursor(char tag, Pattern key) {

    String after(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((tag + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key in the request's {@code cursor} parameter; empty when there is none (the first page). */
    Optional<String> read(Context ctx) {
        String cursor = ctx.queryParam("cursor");
        if (cursor == null || cursor.isEmpty()) return Optional.empty();
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String shown = raw.isEmpty() ? "" : raw.substring(1);
            // Only the exact form issued: the same key spelled another way in base64 is not taken back.
            if (!raw.isEmpty() && raw.charAt(0) == tag && key.matcher(shown).matches() && after(shown).equals(cursor)) return Optional.of(shown);
        } catch (IllegalArgumentException notBase64) {
            // falls through to the error below
        }
        throw ApiException.invalid("invalid_cursor", "cursor is not one this service issued.", "cursor");
    }
}
