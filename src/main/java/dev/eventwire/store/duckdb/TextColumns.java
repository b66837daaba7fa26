package dev.eventwire.store.duckdb;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Text read in bulk on the delivery writer's hot paths (a claim's rows and bodies, the rows of logged
 * events) is selected as its UTF-8 bytes and decoded here. The JDBC driver turns each text value into a
 * Java string by calling back from native code into the JDK's charset decoder, one call per value; bytes
 * come across as they are and are decoded by compiled Java. A claim of 5,000 deliveries took 26.5–31.0 ms
 * instead of 35.6–39.0 ms (`bench store --backlog 200000`, six runs alternating with the build before).
 * {@code encode}, not a cast to BLOB: the cast reads backslash escapes and refuses characters beyond ASCII.
 */
final class TextColumns {
    private TextColumns() {
    }

    /** The select-list expressions for text columns read with {@link #read}, comma-separated. */
    static String bytesOf(String... columns) {
        return java.util.Arrays.stream(columns).map(c -> "encode(" + c + ")").collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * One select-list expression for several NOT NULL text columns, read with {@link #readJoined}: one value
     * crosses from native code per row instead of one per column. They are joined with a space, so every
     * column but the last must be one that never holds a space (identifiers, tenant names, event types);
     * the last may hold anything.
     */
    static String joinedBytesOf(String... columns) {
        return "encode(concat_ws(' ', " + String.join(", ", columns) + "))";
    }

    /** The columns joined by {@link #joinedBytesOf}, in its order; {@code count} is how many it joined. */
    static String[] readJoined(ResultSet rs, int column, int count) throws SQLException {
        String joined = new String(rs.getBytes(column), StandardCharsets.UTF_8);
        String[] parts = new String[count];
        int from = 0;
        for (int i = 0; i < count - 1; i++) {
            int space = joined.indexOf(' ', from);
            if (space < 0) throw new SQLException("expected " + count + " joined text columns, found " + (i + 1));
            parts[i] = joined.substring(from, space);
            from = space + 1;
        }
        parts[count - 1] = joined.substring(from);
        return parts;
    }

    /** The text of a column selected with {@link #bytesOf}; null for SQL NULL. */
    static String read(ResultSet rs, int column) throws SQLException {
        byte[] bytes = rs.getBytes(column);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
