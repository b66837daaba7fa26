package dev.eventwire.support;

import java.util.List;
import java.util.Optional;

/** One page of a listing and where the next page starts (a cursor, or the key to build one from), if there is one. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
