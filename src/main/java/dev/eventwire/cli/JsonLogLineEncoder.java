package dev.eventwire.cli;

import ch.qos.logback.classic.encoder.JsonEncoder;

/**
 * The one shape of a JSON log line (EVENTWIRE_LOG_FORMAT=json), for every appender of logback.xml that
 * writes JSON, to standard error or standard output: {@code timestamp} (epoch ms), {@code level},
 * {@code threadName}, {@code loggerName}, {@code formattedMessage} and {@code throwable}. A class rather than
 * settings repeated per appender, so the lines of both streams cannot drift apart.
 */
public final class JsonLogLineEncoder extends JsonEncoder {
    public JsonLogLineEncoder() {
        setWithSequenceNumber(false);
        setWithNanoseconds(false);
        setWithContext(false);
        setWithMDC(false);
        setWithKVPList(false);
        setWithMessage(false);
        setWithArguments(false);
        setWithFormattedMessage(true);
    }
}
