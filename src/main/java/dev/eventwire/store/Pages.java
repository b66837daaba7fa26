package dev.eventwire.store;

import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/** Turns rows read newest first (one more than the page asked for) into a page and the cursor to the next. */
public final class Pages {
    /**
     * The text a page of rows with bodies (events, rejected requests) holds at most, in characters; the
     * row that reaches it is the page's last, and the cursor goes on from there. A page of 300 events of
     * 256 KiB each, built whole, took a 512 MiB heap past its end (an empty 500, another tenant's posts
     * waiting seconds); one of a few MiB is built in a few tens.
     */
    public static final int TEXT_PER_PAGE = 1 << 20;

    private Pages() {
    }

    public static <T> Page<T> of(List<T> rows, int limit, ToLongFunction<T> seqOf) {
        if (rows.size() <= limit) return new Page<>(rows, Optional.empty());
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, Optional.of(PageRequest.cursorFor(seqOf.applyAsLong(items.getLast()))));
    }

    /** Reads one row of a result set. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Reads rows (asked for with {@code limit + 1}) until the page has {@code limit} of them or its rows'
     * text, counted by {@code textOf}, reaches {@link #TEXT_PER_PAGE}; a page always holds at least one
     * row. Rows past the page are not read.
     */
    public static <T> Page<T> read(ResultSet rs, int limit, RowReader<T> reader, ToLongFunction<T> seqOf, ToIntFunction<T> textOf) throws SQLException {
        List<T> rows = new ArrayList<>();
        long text = 0;
        while (rs.next()) {
            if (rows.size() == limit || text >= TEXT_PER_PAGE) {
                return new Page<>(rows, Optional.of(PageRequest.cursorFor(seqOf.applyAsLong(rows.getLast()))));
            }
            T row = reader.read(rs);
            rows.add(row);
            text += textOf.applyAsInt(row);
        }
        return new Page<>(rows, Optional.empty());
    }
}
