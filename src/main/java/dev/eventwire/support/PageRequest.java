package dev.eventwire.support;

import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A page request: a limit, and optionally the position (a store sequence number) below which the page
 * starts. Cursors are opaque to clients; here they are base64 of the last sequence number seen.
 */
public record PageRequest(int limit, OptionalLong before) {

    public static String cursorFor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s" + seq).getBytes());
    }

    /**
     * Decodes a cursor; empty when it is not one this service issued. Only the exact form issued is taken
     * back (no leading zeros, no other spelling of the same bytes), so one position has one cursor.
     */
    public static Optional<Long> decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!raw.matches("s[0-9]{1,18}")) return Optional.empty();
            long seq = Long.parseLong(raw.substring(1));
            return cursorFor(seq).equals(cursor) ? Optional.of(seq) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
