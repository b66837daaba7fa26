package dev.eventwire.support;

/** Told how long the server took to acknowledge an ingest request, from reading it to its answer. */
@FunctionalInterface
public interface AcknowledgementObserver {
    void acknowledged(long nanos);
}
