package dev.eventwire.support;

import java.util.ArrayList;
import java.util.List;

/** Request bodies of synthetic events for tests. */
public final class EventBatches {
    private EventBatches() {
    }

    /** {@code {"events":[...]}} with {@code count} events of {@code type}, ids {@code type-from} onwards. */
    public static String batch(String type, int from, int count) {
        List<String> events = new ArrayList<>();
        for (int i = from; i < from + count; i++) events.add("{\"event_id\":\"" + type + "-" + i + "\",\"event_type\":\"" + type + "\"}");
        return "{\"events\":[" + String.join(",", events) + "]}";
    }
}
