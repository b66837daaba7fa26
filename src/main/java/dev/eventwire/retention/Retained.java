package dev.eventwire.retention;

/** What retention removes once it is older than the retention period. Pending deliveries are never among it. */
public enum Retained {
    /** Events by receipt time — except any a pending delivery still needs. */
    EVENTS,
    REJECTED_EVENTS,
    /** Delivered and dead deliveries, by their last change. */
    FINISHED_DELIVERIES,
    DELIVERY_ATTEMPTS,
    /** Metric points by occurrence time, once folded into the minute buckets (which stay). */
    METRIC_POINTS
}
