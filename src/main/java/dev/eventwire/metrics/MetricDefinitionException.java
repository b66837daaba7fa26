package dev.eventwire.metrics;

/** A metric definition that cannot be served; the message names the metric and the field. */
public class MetricDefinitionException extends RuntimeException {
    public MetricDefinitionException(String message) {
        super(message);
    }
}
