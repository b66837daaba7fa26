package dev.eventwire.store.duckdb;

/**
 * SQL string literals, for the few queries where DuckDB needs constants to use an index. Standard SQL
 * quoting: a single quote is doubled; DuckDB string literals have no backslash escapes.
 */
final class SqlLiterals {
    private SqlLiterals() {
    }

    /** Comma-separated string literals, for an {@code IN (...)} list. */
    static String list(java.util.Collection<String> values) {
        StringBuilder in = new StringBuilder();
        for (String v : values) {
            if (!in.isEmpty()) in.append(',');
            in.append(string(v));
        }
        return in.toString();
    }

    static String string(String value) {
        if (value.indexOf('\u0000') >= 0) throw new IllegalArgumentException("NUL in a SQL literal");
        return "'" + value.replace("'", "''") + "'";
    }
}
