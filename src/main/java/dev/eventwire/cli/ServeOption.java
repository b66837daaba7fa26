package dev.eventwire.cli;

import dev.eventwire.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One number or duration option of {@code serve} and the environment variable that sets it by default,
 * read within the range the README documents for it. A value outside that range would start a server
 * that fails later and quietly (a retention of 292 billion years overflowed every background pass), so it
 * is refused at start with one line naming the option, the variable and the range.
 */
record ServeOption(String option, String variable) {

    /** A duration from {@code min} to {@code max}, both included. */
    Duration duration(String text, Duration min, Duration max) {
        return Durations.parse(text).filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0)
                .orElseThrow(() -> refused(text, "a duration from " + Durations.format(min) + " to " + Durations.format(max)));
    }

    /** Comma-separated durations, each from {@code min} to {@code max}, at least one and at most {@code maxCount}. */
    List<Duration> durations(String text, Duration min, Duration max, int maxCount) {
        String range = "1 to " + maxCount + " comma-separated durations, each from " + Durations.format(min) + " to " + Durations.format(max);
        List<Duration> out = new ArrayList<>();
        // -1 keeps empty entries, trailing ones too: "5s,,5m" is refused rather than read as two delays.
        for (String part : text.split(",", -1)) {
            out.add(Durations.parse(part).filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0)
                    .orElseThrow(() -> refused(text, range)));
        }
        if (out.isEmpty() || out.size() > maxCount) throw refused(text, range);
        return out;
    }

    /** A value {@code parse} reads, or refuses in its own words ("must be none or admin (got 'x')"), which then name this option. */
    <T> T parsed(String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " (or " + variable + ") " + e.getMessage(), e);
        }
    }

    /** A whole number from {@code min} to {@code max}, written in ASCII digits with nothing around them (as a duration). */
    long whole(String text, long min, long max) {
        // ASCII only: Long.parseLong would also take a leading '+' or fullwidth digits.
        if (!text.matches("[0-9]{1,18}")) throw refused(text, "a whole number from " + min + " to " + max);
        long value = Long.parseLong(text);
        if (value < min || value > max) throw refused(text, "a whole number from " + min + " to " + max);
        return value;
    }

    private IllegalArgumentException refused(String text, String range) {
        return new IllegalArgumentException(option + " (or " + variable + ") must be " + range + " (got '" + text + "')");
    }
}
