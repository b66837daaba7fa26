package dev.eventwire.store;

/**
 * SQL string literals, for the few queries where DuckDB needs constants to use an index, and for id
 * lists of set-based statements. Standard SQL quoting: a single quote is doubled (neither DuckDB nor
 * PostgreSQL with its default standard_conforming_strings treats backslashes in literals specially).
 */
public final class SqlLiterals {
    private SqlLiterals() {
    }

    /** Comma-separated string literals, for an {@code IN (...)} list. */
    public static String list(java.util.Collection<String> values) {
        StringBuilder in = new StringBuilder();
        for (String v : values) {
            if (!in.isEmpty()) in.append(',');
            in.append(string(v));
        }
        return in.toString();
    }

    public static String string(String value) {
        if (value.indexOf('\u0000') >= 0) throw new IllegalArgumentException("NUL in a SQL literal");
        return "'" + value.replace("'", "''") + "'";
    }
}
