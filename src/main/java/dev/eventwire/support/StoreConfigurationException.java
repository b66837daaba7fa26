package dev.eventwire.support;

/**
 * The configured store cannot be used and retrying will not help: the database is unreachable at
 * start, refuses the credentials, or (PostgreSQL or a DuckDB file alike) has a schema newer than this binary. {@code serve} exits 2.
 */
public class StoreConfigurationException extends RuntimeException {
    public StoreConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
