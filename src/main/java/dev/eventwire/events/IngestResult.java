package dev.eventwire.events;

import dev.eventwire.support.ErrorDetail;
import java.util.List;

/** The answer to one {@code POST /v1/events}. */
public sealed interface IngestResult {

    /** A single event: accepted (202) or duplicate (200). Invalid single events are thrown as 422. */
    record Single(String eventId, ItemStatus status) implements IngestResult {
    }

    record Batch(int accepted, int duplicates, int rejected, List<ItemResult> results) implements IngestResult {
    }

    /** One batch item's answer; {@code eventId} and {@code error} are null where they do not apply. */
    record ItemResult(int index, String eventId, ItemStatus status, ErrorDetail error) {
    }

    enum ItemStatus {
        ACCEPTED, DUPLICATE, REJECTED;

        public String wireName() {
            return name().toLowerCase();
        }
    }
}
