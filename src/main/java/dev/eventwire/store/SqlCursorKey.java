package dev.eventwire.store;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Optional;

/**
 * The key listing cursors are sealed with, in SQL both backends answer alike: read from the store, or made
 * and stored by the first start that finds none (replicas starting together keep whichever was stored
 * first, and all read that one).
 */
public final class SqlCursorKey {
    private static final int KEY_BYTES = 16;

    private SqlCursorKey() {
    }

    public static byte[] load(SqlRunner writes, SqlRunner reads) {
        Optional<byte[]> stored = read(reads);
        if (stored.isPresent()) return stored.get();
        byte[] fresh = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(fresh);
        writes.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cursor_key (id, key_base64) VALUES (1, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, Base64.getEncoder().encodeToString(fresh));
                return ps.executeUpdate();
            }
        });
        return read(reads).orElseThrow(() -> new IllegalStateException("the cursor key was stored and is not there"));
    }

    private static Optional<byte[]> read(SqlRunner reads) {
        return reads.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key_base64 FROM cursor_key WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Base64.getDecoder().decode(rs.getString(1))) : Optional.<byte[]>empty();
            }
        });
    }
}
