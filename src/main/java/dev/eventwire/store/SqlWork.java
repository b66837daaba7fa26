package dev.eventwire.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A piece of SQL run on a connection the caller owns for the duration of the call. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
