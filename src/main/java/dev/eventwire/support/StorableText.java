package dev.eventwire.support;

import java.util.Optional;

/**
 * Text that came from outside (a receiver's answer, a value inside an event's data) made storable in
 * every store: PostgreSQL's text refuses the NUL character outright, and one such value failed the whole
 * batch it was written in, every tenant's rows with it, again and again. A NUL is kept as U+FFFD, as
 * undecodable bytes already are.
 */
public final class StorableText {
    private StorableText() {
    }

    public static String of(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    public static Optional<String> of(Optional<String> text) {
        return text.map(StorableText::of);
    }
}
