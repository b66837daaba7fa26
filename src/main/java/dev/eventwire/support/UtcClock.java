package dev.eventwire.support;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock in UTC whatever zone is asked for (the service keeps every time in UTC); subclasses say what time it is. */
public abstract class UtcClock extends Clock {
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
