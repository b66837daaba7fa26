package dev.eventwire.support;

/** Told how long each group commit of a store writer took (the work and the commit together). */
@FunctionalInterface
public interface CommitObserver {
    CommitObserver NONE = (writer, nanos) -> { };

    void committed(String writer, long nanos);
}
