package dev.eventwire.store;

/** Runs a piece of SQL the way a backend runs it (in a transaction of its own, or on its writer) and answers its result. */
@FunctionalInterface
public interface SqlRunner {
    <T> T run(SqlWork<T> work);
}
