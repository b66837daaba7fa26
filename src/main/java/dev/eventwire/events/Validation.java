package dev.eventwire.events;

import dev.eventwire.support.ErrorDetail;

/** The result of validating one submitted event. */
public sealed interface Validation {
    record Valid(NewEvent event) implements Validation {
    }

    /** {@code eventId} is the submitted id when it was a usable string, else null (it is echoed in batch results). */
    record Invalid(ErrorDetail error, String eventId) implements Validation {
    }
}
