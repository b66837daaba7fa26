package dev.eventwire.store.duckdb;

/**
 * SQL string literals, for the few queries where DuckDB needs constants to use an index. Standard SQL
 * quoting: a single quote is doubled; DuckDB string literals have no backslash escapes.
 */
final class SqlLiterals {
    private SqlLiterals() {
    }

    static String string(String value) {
        if (value.indexOf('\u0000') >= 0) throw new IllegalArgumentException("NUL in a SQL literal");
        return "'" + value.replace("'", "''") + "'";
    }
}
