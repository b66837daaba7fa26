package dev.eventwire.metrics;

import java.math.BigDecimal;

/** Receives the stored rollups when {@link LiveRollups} is rebuilt at start. */
public interface RestoreSink {
    /** One stored minute bucket of a base metric (sum, min and max null for metrics without a field). */
    void bucket(String tenant, String metric, long minute, long count, BigDecimal sum, BigDecimal min, BigDecimal max);

    /** One distinct value's latest occurrence at or before the settle line, or one occurrence after it. */
    void distinct(String tenant, String metric, String value, long occurredMicros);

    /** One distinct value seen in one minute. */
    void distinctInMinute(String tenant, String metric, long minute, String value);
}
