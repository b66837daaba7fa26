package dev.eventwire.store;

import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/** Turns rows read newest first (one more than the page asked for) into a page and the cursor to the next. */
public final class Pages {
    private Pages() {
    }

    public static <T> Page<T> of(List<T> rows, int limit, ToLongFunction<T> seqOf) {
        if (rows.size() <= limit) return new Page<>(rows, Optional.empty());
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, Optional.of(PageRequest.cursorFor(seqOf.applyAsLong(items.getLast()))));
    }
}
