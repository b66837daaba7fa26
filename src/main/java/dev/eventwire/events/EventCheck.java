package dev.eventwire.events;

import dev.eventwire.support.ErrorDetail;
import java.util.Optional;

/** A rule on a valid event that another part of the service owns (metric field ranges); an error rejects the event with 422. */
@FunctionalInterface
public interface EventCheck {
    Optional<ErrorDetail> check(NewEvent event);

    EventCheck NONE = event -> Optional.empty();
}
