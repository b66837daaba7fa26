package dev.eventwire.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the web framework's warning for a request body over the limit. The client is answered 413
 * `body_too_large` with the service's error body; the line named no tenant and no request, came from a
 * library logger, and one client could write as many of them as it sent bodies (an outside check counted 15
 * in ten minutes from one tenant). Every other line of that logger is kept.
 */
public final class OversizeBodyLineFilter extends TurboFilter {
    static final String LOGGER = "io.javalin.Javalin";
    static final String LINE_START = "Body size greater than max size";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger != null && format != null && LOGGER.equals(logger.getName()) && format.startsWith(LINE_START)) return FilterReply.DENY;
        return FilterReply.NEUTRAL;
    }
}
